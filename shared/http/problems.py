"""Errors as RFC 9457 problem details (application/problem+json), naming the field at fault."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pymongo.errors import PyMongoError
from starlette.exceptions import HTTPException

from shared.errors import DomainError
from shared.storage.outages import waits_for_database

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "urn:pembinaan:problem:{slug}"
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "field": {"type": "string", "description": "The input at fault"},
        "errors": {
            "type": "array",
            "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}},
        },
    },
}
WRITES = {"post", "put", "patch", "delete"}
CHALLENGES: dict[str, dict[str, Any]] = {
    "401": {
        "description": 'How to authenticate: `Bearer realm="pembinaan", ApiKey`, or `Bearer error="invalid_token", '
        'error_description="..."` for a token that is not valid',
        "schema": {"type": "string"},
    },
    "403": {
        "description": 'Sent for an access token lacking the scope: `Bearer error="insufficient_scope", '
        'scope="<scope>"` (RFC 6750 section 3.1); an API key\'s 403 has none',
        "schema": {"type": "string"},
    },
}


def problem(status: int, slug: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": PROBLEM_TYPE.format(slug=slug), "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def field_path(location: tuple[int | str, ...]) -> str:
    """`("body", "participant", "nik")` -> `participant.nik`; query and path parameters keep their source."""
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


async def on_validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = error.errors()
    if any(item["type"] == "json_invalid" for item in errors):
        return problem(400, "malformed-json", "Malformed JSON", "The request body is not valid JSON.", field="body")
    invalid = [{"field": field_path(item["loc"]), "message": item["msg"]} for item in errors]
    detail = "; ".join(f"{item['field']}: {item['message']}" for item in invalid)
    return problem(422, "validation-error", "Invalid request", detail, field=invalid[0]["field"], errors=invalid)


async def on_domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    extra = {"field": error.field} if error.field else {}
    title = error.slug.replace("-", " ").capitalize()
    return problem(error.status, error.slug, title, error.detail, **extra)


async def on_http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    response = problem(error.status_code, f"http-{error.status_code}", str(error.detail), str(error.detail))
    response.headers.update(error.headers or {})
    return response


async def on_unexpected_error(request: Request, error: Exception) -> JSONResponse:
    route = getattr(request.scope.get("route"), "path", "unmatched")
    log.exception("unhandled error on %s %s", request.method, route)
    return problem(500, "internal-error", "Internal error", "The service failed; the request id is logged.")


async def on_database_error(request: Request, error: Exception) -> JSONResponse:
    """503 while the database cannot answer (down, stepped down, or past a call's deadline or a query's time
    limit): the request may be retried; any other database error is the service's fault, a 500."""
    assert isinstance(error, PyMongoError)
    if not waits_for_database(error):
        return await on_unexpected_error(request, error)
    route = getattr(request.scope.get("route"), "path", "unmatched")
    # the type only: a database error's message quotes the values it was asked about
    log.warning("database unavailable on %s %s: %s", request.method, route, type(error).__name__)
    if error.timeout:
        slug, detail = "database-timeout", "The database did not answer within the time limit; retry later."
    else:
        slug, detail = "database-unavailable", "The database cannot answer now; retry later."
    response = problem(503, slug, "Database unavailable", detail)
    response.headers["Retry-After"] = "1"
    return response


def problem_statuses(method: str, operation: dict[str, Any]) -> dict[str, str]:
    """The errors an operation can answer with, by what it takes: the edge gives these to any route alike."""
    statuses: dict[str, str] = {}
    has_body = "requestBody" in operation
    takes_ids = has_body or any(parameter["in"] == "path" for parameter in operation.get("parameters", []))
    if operation.get("security"):
        statuses |= {
            "400": "Both an API key and an access token were sent",
            "401": "No valid API key or access token",
            "403": "The caller's scope or reach does not allow it",
        }
    if has_body:
        statuses |= {"400": "The body is not valid JSON", "413": "The body is larger than the service accepts"}
    if takes_ids:
        statuses["404"] = "Something it names does not exist or is out of the key's reach"
    if takes_ids and method in WRITES:
        statuses["409"] = "The current state does not allow it"
    if has_body or operation.get("parameters"):
        statuses["422"] = "Invalid input; `field` names it"
    return statuses


def documented_problems(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with every error an operation can give declared as problem+json, once for all."""
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for status, description in problem_statuses(method, operation).items():
                responses.setdefault(status, {"description": description})
            for status, header in CHALLENGES.items() if operation.get("security") else ():
                responses[status].setdefault("headers", {})["WWW-Authenticate"] = header
            for status, response in responses.items():
                if status.startswith("4"):
                    response["content"] = content
    return document


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(PyMongoError, on_database_error)
    app.add_exception_handler(Exception, on_unexpected_error)
    undocumented = app.openapi
    app.openapi = lambda: documented_problems(undocumented())  # type: ignore[method-assign]
