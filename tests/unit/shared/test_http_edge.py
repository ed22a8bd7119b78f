"""Problem details, request ids and the body limit, on a small app through ASGITransport."""

from datetime import date

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from shared.errors import Conflict
from shared.http.middleware import BodyLimit, RequestContext
from shared.http.problems import install_problem_handlers


class Visit(BaseModel):
    visitor: str
    on: date


class RoomTaken(Conflict):
    """The room is booked."""


def small_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/visits")
    async def book(visit: Visit) -> Visit:
        if visit.visitor == "late":
            raise RoomTaken("The visiting room is booked then.", field="on")
        return visit

    app.add_middleware(BodyLimit, max_bytes=1000)
    app.add_middleware(RequestContext, service="unit")
    return app


@pytest.fixture
async def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=small_app()), base_url="http://unit")


async def test_a_valid_request_passes_and_gets_a_request_id(client: httpx.AsyncClient) -> None:
    response = await client.post("/visits", json={"visitor": "Siti", "on": "2026-12-01"})
    assert response.status_code == 200
    assert len(response.headers["x-request-id"]) == 36


async def test_an_acceptable_request_id_is_kept_and_a_hostile_one_replaced(client: httpx.AsyncClient) -> None:
    kept = await client.post("/visits", json={"visitor": "Siti", "on": "2026-12-01"}, headers={"X-Request-ID": "a-1"})
    assert kept.headers["x-request-id"] == "a-1"
    replaced = await client.post("/visits", json={}, headers={"X-Request-ID": "<script>"})
    assert replaced.headers["x-request-id"] != "<script>"


async def test_validation_errors_list_each_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/visits", json={"on": "someday"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert [error["field"] for error in problem["errors"]] == ["visitor", "on"]
    assert problem["field"] == "visitor"


async def test_a_domain_error_keeps_its_status_and_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/visits", json={"visitor": "late", "on": "2026-12-01"})
    assert response.status_code == 409
    assert response.json()["field"] == "on"
    assert response.json()["type"] == "urn:pembinaan:problem:conflict"


async def test_bad_json_is_400_and_a_big_body_413(client: httpx.AsyncClient) -> None:
    bad = await client.post("/visits", content=b"{", headers={"content-type": "application/json"})
    assert (bad.status_code, bad.json()["field"]) == (400, "body")
    big = await client.post("/visits", content=b"x" * 1001, headers={"content-type": "application/json"})
    assert big.status_code == 413
    assert big.headers["content-type"] == "application/problem+json"
