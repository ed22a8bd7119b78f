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
