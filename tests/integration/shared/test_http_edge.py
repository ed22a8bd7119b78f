"""Over real HTTP: bad input gets application/problem+json naming the field; keys and scopes are enforced."""

from typing import Any

import httpx

from tests.support.participants import new_registration
from tests.support.services import RunningService, eventually

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["type"].startswith("urn:")
    if field is not None:
        assert problem["field"] == field, problem
    return problem


async def test_wrong_types_and_missing_fields_name_every_field_at_fault(enrolment: RunningService) -> None:
    officer = await enrolment.mint_key("participants:write")
    body = new_registration(date_of_birth="last spring")
    del body["full_name"]
    problem = assert_problem(await enrolment.http.post("/participants", json=body, headers=officer), 422)
    assert {error["field"] for error in problem["errors"]} == {"full_name", "date_of_birth"}


async def test_a_rule_violation_names_its_field(enrolment: RunningService) -> None:
    officer = await enrolment.mint_key("participants:write")
    response = await enrolment.http.post("/participants", json=new_registration(nik="12345"), headers=officer)
    assert_problem(response, 422, "nik")
    early = new_registration(sentence_start="2026-01-01", expected_release="2025-01-01")
    assert_problem(await enrolment.http.post("/participants", json=early, headers=officer), 422, "expected_release")


async def test_a_duplicate_registration_is_a_conflict_naming_the_field(enrolment: RunningService) -> None:
    officer = await enrolment.mint_key("participants:write")
    first = new_registration()
    assert (await enrolment.http.post("/participants", json=first, headers=officer)).status_code == 201
    again = new_registration(registration_number=first["registration_number"])
    assert_problem(await enrolment.http.post("/participants", json=again, headers=officer), 409, "registration_number")
    same_nik = new_registration(nik=first["nik"])
    assert_problem(await enrolment.http.post("/participants", json=same_nik, headers=officer), 409, "nik")


async def test_malformed_json_is_a_400(enrolment: RunningService) -> None:
    officer = await enrolment.mint_key("participants:write")
    response = await enrolment.http.post(
        "/participants", content=b'{"facility_id": ', headers={**officer, "content-type": "application/json"}
    )
    assert_problem(response, 400, "body")


async def test_an_oversized_body_is_a_413_whether_declared_or_streamed(enrolment: RunningService) -> None:
    officer = await enrolment.mint_key("participants:write")
    huge = b'{"full_name": "' + b"x" * 1_100_000 + b'"}'
    declared = await enrolment.http.post(
        "/participants", content=huge, headers={**officer, "content-type": "application/json"}
    )
    assert_problem(declared, 413, "body")

    async def chunks() -> Any:
        for start in range(0, len(huge), 64_000):
            yield huge[start : start + 64_000]

    streamed = await enrolment.http.post(
        "/participants", content=chunks(), headers={**officer, "content-type": "application/json"}
    )
    assert_problem(streamed, 413, "body")


async def test_an_unknown_participant_is_a_404_and_an_illegal_transition_a_409(enrolment: RunningService) -> None:
    officer = await enrolment.mint_key("participants:write", "participants:read")
    assert_problem(await enrolment.http.get("/participants/nobody", headers=officer), 404, "participant_id")
    created = (await enrolment.http.post("/participants", json=new_registration(), headers=officer)).json()
    release = {"released_on": "2026-12-01"}
    url = f"/participants/{created['id']}/release"
    assert (await enrolment.http.post(url, json=release, headers=officer)).status_code == 200
    problem = assert_problem(await enrolment.http.post(url, json=release, headers=officer), 409, "status")
    assert "released" in problem["detail"]


async def test_without_a_valid_key_it_is_401_and_without_the_scope_403(enrolment: RunningService) -> None:
    body = new_registration()
    assert_problem(await enrolment.http.post("/participants", json=body), 401)
    assert_problem(await enrolment.http.post("/participants", json=body, headers={"X-API-Key": "pk.nope.nope"}), 401)
    reader = await enrolment.mint_key("participants:read")
    assert_problem(await enrolment.http.post("/participants", json=body, headers=reader), 403)


async def test_a_revoked_key_is_refused(enrolment: RunningService) -> None:
    from shared.http.api_keys import ApiKeys

    headers = await enrolment.mint_key("participants:read")
    key_id = headers["X-API-Key"].split(".")[1]
    assert await ApiKeys(enrolment.runtime.database.db).revoke(key_id)
    assert_problem(await enrolment.http.get("/participants/anyone", headers=headers), 401)


async def test_health_and_metrics_are_open_and_the_request_id_is_echoed(enrolment: RunningService) -> None:
    assert (await enrolment.http.get("/health/live")).json() == {"status": "ok"}

    async def ready() -> httpx.Response | None:
        response = await enrolment.http.get("/health/ready", headers={"X-Request-ID": "ops-check-7"})
        return response if response.status_code == 200 else None

    ready = await eventually(ready)
    assert ready.headers["x-request-id"] == "ops-check-7"
    assert set(ready.json()["checks"]) == {"mongodb", "kafka", "consumer"}
    metrics = (await enrolment.http.get("/metrics")).text
    for name in (
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "outbox_backlog_events",
        "events_published_total",
    ):
        assert name in metrics


async def test_an_unknown_route_is_a_problem_too(enrolment: RunningService) -> None:
    assert_problem(await enrolment.http.get("/nowhere"), 404)
