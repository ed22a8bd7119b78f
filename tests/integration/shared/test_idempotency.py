"""A POST retried with its Idempotency-Key returns the first response and does nothing again."""

import asyncio

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import published_by
from tests.support.participants import new_registration
from tests.support.production import problem_of, rack
from tests.support.services import RunningService


async def test_a_retried_create_returns_the_first_response_and_creates_once(
    production: RunningService, infrastructure: Infrastructure
) -> None:
    writer = await production.mint_key("production:write", "production:read")
    headers = {**writer, "Idempotency-Key": "site-7f3a"}
    body = rack()

    first = await production.http.post("/sites", json=body, headers=headers)
    again = await production.http.post("/sites", json=body, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    listed = await production.http.get("/sites", headers=writer)
    assert [site["id"] for site in listed.json()["items"]] == [first.json()["id"]]
    published = await published_by(production, infrastructure)
    assert [event.subject for event in published if event.type == "production.site.registered"] == [first.json()["id"]]


async def test_the_same_key_with_another_body_is_refused_naming_the_header(production: RunningService) -> None:
    writer = await production.mint_key("production:write")
    headers = {**writer, "Idempotency-Key": "site-b2"}
    assert (await production.http.post("/sites", json=rack(), headers=headers)).status_code == 201

    other = await production.http.post("/sites", json=rack(), headers=headers)
    problem_of(other, 422, field="Idempotency-Key")


async def test_concurrent_requests_with_one_key_do_the_work_once(enrolment: RunningService) -> None:
    officer = await enrolment.mint_key("participants:write", "participants:read")
    headers = {**officer, "Idempotency-Key": "register-0042"}
    body = new_registration()

    responses = await asyncio.gather(
        *(enrolment.http.post("/participants", json=body, headers=headers) for _ in range(4))
    )

    assert {response.status_code for response in responses} == {201}
    assert len({response.json()["id"] for response in responses}) == 1
    assert await enrolment.runtime.database.db["participants"].count_documents({}) == 1


async def test_a_request_that_failed_claims_nothing_and_its_retry_runs(production: RunningService) -> None:
    writer = await production.mint_key("production:write")
    headers = {**writer, "Idempotency-Key": "site-retry"}
    incomplete = {**rack(), "area_m2": None}
    problem_of(await production.http.post("/sites", json=incomplete, headers=headers), 422)

    assert (await production.http.post("/sites", json=incomplete, headers=headers)).status_code == 422


async def test_a_key_that_is_not_printable_ascii_is_refused(production: RunningService) -> None:
    writer = await production.mint_key("production:write")
    response = await production.http.post("/sites", json=rack(), headers={**writer, "Idempotency-Key": b"\xe9t\xe9"})
    problem_of(response, 422, field="Idempotency-Key")
