"""Every operation of every service documents itself: a summary, and an example for any request body."""

from typing import Any

import pytest
from fastapi import FastAPI

from services.enrolment.main import create_app as enrolment
from services.marketplace.main import create_app as marketplace
from services.notifications.main import create_app as notifications
from services.production.main import create_app as production


def operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    spec = app.openapi()
    return [(method, path, operation) for path, item in spec["paths"].items() for method, operation in item.items()]


def has_example(schema_ref: dict[str, Any], spec: dict[str, Any]) -> bool:
    name = schema_ref.get("$ref", "").rsplit("/", 1)[-1]
    schema = spec["components"]["schemas"].get(name, schema_ref)
    return bool(schema.get("examples") or schema.get("example"))


@pytest.mark.parametrize("create_app", [enrolment, production, marketplace, notifications])
def test_every_operation_has_a_summary_and_every_request_body_an_example(create_app: Any) -> None:
    app = create_app()
    spec = app.openapi()
    for method, path, operation in operations(app):
        assert operation.get("summary"), f"{method.upper()} {path} has no summary"
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            assert has_example(body["schema"], spec), f"{method.upper()} {path} has no request example"


def api_routes(routes: list[Any]) -> list[Any]:
    """Every APIRoute, looking inside included routers."""
    from fastapi.routing import APIRoute

    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += api_routes(route.original_router.routes)
    return found


@pytest.mark.parametrize("create_app", [enrolment, production, marketplace, notifications])
def test_every_request_example_is_accepted_by_its_own_model(create_app: Any) -> None:
    from pydantic import BaseModel

    checked = 0
    for route in api_routes(create_app().router.routes):
        model = route.body_field.field_info.annotation if route.body_field is not None else None
        if isinstance(model, type) and issubclass(model, BaseModel):
            for example in (model.model_config.get("json_schema_extra") or {}).get("examples", []):  # type: ignore[union-attr]
                model.model_validate(example)
                checked += 1
    bodies = sum(1 for route in api_routes(create_app().router.routes) if route.body_field is not None)
    assert checked >= bodies


@pytest.mark.parametrize("create_app", [enrolment, production, marketplace, notifications])
def test_every_error_an_operation_gives_is_documented_as_problem_json(create_app: Any) -> None:
    app = create_app()
    for method, path, operation in operations(app):
        responses = operation["responses"]
        if operation.get("security"):
            assert {"401", "403"} <= set(responses), f"{method.upper()} {path}"
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in responses, f"{method.upper()} {path}"
        for status, response in responses.items():
            if status.startswith("4"):
                assert list(response["content"]) == ["application/problem+json"], f"{method.upper()} {path} {status}"


@pytest.mark.parametrize("create_app", [enrolment, production, marketplace, notifications])
def test_every_secured_operation_documents_the_bearer_challenges_of_its_401_and_403(create_app: Any) -> None:
    for method, path, operation in operations(create_app()):
        if operation.get("security"):
            for status in ("401", "403"):
                header = operation["responses"][status].get("headers", {}).get("WWW-Authenticate")
                assert header is not None, f"{method.upper()} {path} {status}"
            assert "insufficient_scope" in operation["responses"]["403"]["headers"]["WWW-Authenticate"]["description"]
