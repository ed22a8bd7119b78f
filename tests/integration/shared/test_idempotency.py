"""A POST retried with its Idempotency-Key returns the first response and does nothing again."""

import asyncio
import contextlib

import httpx

from shared.http.api_keys import ApiKeys
from tests.support.enrolment import STAFF_SCOPES
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


DRAFT = {
    "agency_id": "dkpp",
    "name": "Hidroponik sayuran",
    "skill_track": "agriculture",
    "duration_hours": 160,
    "sessions": 40,
    "competencies": ["nutrient mixing"],
    "minimum_attendance_rate": 0.8,
    "earns_premi": True,
}


async def test_a_change_that_records_no_event_claims_its_key_and_is_done_once(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    headers = {**staff, "Idempotency-Key": "draft-programme-1"}

    first = await enrolment.http.post("/programmes", json=DRAFT, headers=headers)  # a draft: no event
    again = await enrolment.http.post("/programmes", json=DRAFT, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json() == first.json()
    assert await enrolment.runtime.database.db["programmes"].count_documents({}) == 1


async def test_a_key_revoked_since_gets_a_401_and_never_the_stored_answer(production: RunningService) -> None:
    writer = await production.mint_key("production:write", "production:read")
    headers, body = {**writer, "Idempotency-Key": "site-revoked"}, rack()
    assert (await production.http.post("/sites", json=body, headers=headers)).status_code == 201
    key_id = writer["X-API-Key"].split(".")[1]
    assert await ApiKeys(production.runtime.database.db).revoke(key_id)

    replayed = await production.http.post("/sites", json=body, headers=headers)

    problem_of(replayed, 401)
    assert "id" not in replayed.json()


class ProcessDied(BaseException):
    """The process stopping dead: no handler of the app's answers it, nothing after it runs."""


async def test_a_crash_right_after_the_commit_leaves_the_response_kept_for_the_retry(
    production: RunningService,
) -> None:
    writer = await production.mint_key("production:write", "production:read")
    headers, body = {**writer, "Idempotency-Key": "site-crash"}, rack()
    crashes = [True]

    def crash_once() -> None:
        # told the moment the change is committed: the process dies there, before anything after the commit
        if crashes:
            crashes.clear()
            raise ProcessDied

    production.runtime.database.on_events_committed(crash_once)
    with contextlib.suppress(httpx.HTTPError):
        await production.http.post("/sites", json=body, headers=headers)
    assert not crashes

    retried = await production.http.post("/sites", json=body, headers=headers)

    assert retried.status_code == 201, retried.text
    listed = (await production.http.get("/sites", headers=writer)).json()["items"]
    assert [site["id"] for site in listed] == [retried.json()["id"]]


async def test_a_replayed_registration_shows_the_participant_yet_no_personal_data_is_kept_with_the_key(
    enrolment: RunningService,
) -> None:
    officer = await enrolment.mint_key("participants:write", "participants:read")
    headers = {**officer, "Idempotency-Key": "register-pii"}
    body = new_registration()

    first = await enrolment.http.post("/participants", json=body, headers=headers)
    again = await enrolment.http.post("/participants", json=body, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json()["id"] == first.json()["id"]
    shown = await enrolment.http.get(f"/participants/{first.json()['id']}", headers=officer)
    assert again.json() == shown.json()  # the participant read again, as it now is
    assert again.headers["content-location"] == f"/participants/{first.json()['id']}"
    kept = await enrolment.runtime.database.db["idempotency_keys"].find({}).to_list()
    assert len(kept) == 1
    stored = repr(kept)
    for personal in (body["nik"], body["full_name"], body["registration_number"]):
        assert personal not in stored
