"""Enrolment requests against a cohort's capacity: never exceeded, the rest waitlisted, freed places promoted."""

import asyncio
import json
from typing import Any

from tests.support.enrolment import STAFF_SCOPES, enrol, opened_cohort, published_programme, registered_participant
from tests.support.services import RunningService, eventually


async def test_the_last_places_go_to_exactly_capacity_of_many_concurrent_requests(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = await published_programme(enrolment, staff)
    cohort = await opened_cohort(enrolment, staff, programme["id"], capacity=3)
    participants = [await registered_participant(enrolment, staff) for _ in range(8)]

    results = await asyncio.gather(*(enrol(enrolment, staff, p, cohort["id"]) for p in participants))

    states = sorted(result["state"] for result in results)
    assert states == ["approved"] * 3 + ["waitlisted"] * 5
    held = (await enrolment.http.get(f"/cohorts/{cohort['id']}", headers=staff)).json()
    assert held["places_left"] == 0
    assert sorted(held["approved"]) == sorted(r["id"] for r in results if r["state"] == "approved")
    assert len(held["waitlist"]) == 5


async def test_a_freed_place_promotes_the_head_of_the_waiting_list_at_once(
    enrolment: RunningService, notifications: RunningService
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = await published_programme(enrolment, staff)
    cohort = await opened_cohort(enrolment, staff, programme["id"], capacity=1)
    first, second, third = [await registered_participant(enrolment, staff) for _ in range(3)]
    placed = await enrol(enrolment, staff, first, cohort["id"])
    head = await enrol(enrolment, staff, second, cohort["id"])
    behind = await enrol(enrolment, staff, third, cohort["id"])
    assert [placed["state"], head["state"], behind["state"]] == ["approved", "waitlisted", "waitlisted"]

    withdrawal = {"by": "participant", "reason": "moved to the catfish cohort"}
    response = await enrolment.http.post(f"/enrolments/{placed['id']}/withdraw", json=withdrawal, headers=staff)
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "withdrawn"
    assert response.json()["history"][-1]["reason"] == "moved to the catfish cohort"

    promoted = (await enrolment.http.get(f"/enrolments/{head['id']}", headers=staff)).json()
    assert promoted["state"] == "approved"
    assert [step["state"] for step in promoted["history"]] == ["waitlisted", "approved"]
    held = (await enrolment.http.get(f"/cohorts/{cohort['id']}", headers=staff)).json()
    assert held["approved"] == [head["id"]]
    assert held["waitlist"] == [behind["id"]]

    reader = await notifications.mint_key("events:read")

    async def promotion_published() -> list[dict[str, Any]]:
        page = await notifications.http.get("/events", params={"type": "enrolment.enrolment.approved"}, headers=reader)
        return [e for e in page.json()["events"] if e["data"]["from_waitlist"]]

    [event] = await eventually(promotion_published)
    assert event["data"]["enrolment_id"] == head["id"]


async def test_withdrawing_twice_is_a_conflict_naming_the_state(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = await published_programme(enrolment, staff)
    cohort = await opened_cohort(enrolment, staff, programme["id"])
    placed = await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])
    url, body = f"/enrolments/{placed['id']}/withdraw", {"by": "staff", "reason": "security transfer"}
    assert (await enrolment.http.post(url, json=body, headers=staff)).status_code == 200
    again = await enrolment.http.post(url, json=body, headers=staff)
    assert again.status_code == 409
    assert again.json()["field"] == "state"
    assert "withdrawn" in again.json()["detail"]


async def test_no_event_the_service_publishes_carries_a_name_nik_or_registration_number(
    enrolment: RunningService, notifications: RunningService
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    reader = await notifications.mint_key("events:read")
    programme = await published_programme(enrolment, staff)
    cohort = await opened_cohort(enrolment, staff, programme["id"], capacity=1)
    personal = {"full_name": "Siti Rahmawati Unique", "nik": "3604019999000123", "registration_number": "BI.SECRET.7"}
    participant = await registered_participant(enrolment, staff, **personal)
    await enrol(enrolment, staff, participant, cohort["id"])
    await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])

    async def all_published() -> list[dict[str, Any]] | None:
        events = (await notifications.http.get("/events", params={"limit": 500}, headers=reader)).json()["events"]
        made = [event for event in events if not event["type"].endswith((".facility.registered", ".agency.registered"))]
        return events if len(made) >= 6 else None

    events = await eventually(all_published)
    published = json.dumps(events)
    for value in personal.values():
        assert value not in published
    assert participant in published


async def test_one_participant_racing_for_overlapping_cohorts_gets_one_place(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = (await published_programme(enrolment, staff))["id"]
    for _ in range(5):
        participant = await registered_participant(enrolment, staff)
        cohorts = [await opened_cohort(enrolment, staff, programme) for _ in range(3)]
        results = await asyncio.gather(*(enrol(enrolment, staff, participant, cohort["id"]) for cohort in cohorts))
        states = sorted(result["state"] for result in results)
        assert states == ["approved", "rejected", "rejected"], states
        for rejected in (result for result in results if result["state"] == "rejected"):
            assert [failed["rule"] for failed in rejected["failed_rules"]] == ["schedule_clash"]


async def test_a_freed_place_skips_a_waiting_participant_who_now_holds_an_overlapping_place(
    enrolment: RunningService,
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = (await published_programme(enrolment, staff))["id"]
    full = await opened_cohort(enrolment, staff, programme, capacity=1)
    overlapping = await opened_cohort(enrolment, staff, programme)
    holder, busy, free = [await registered_participant(enrolment, staff) for _ in range(3)]
    placed = await enrol(enrolment, staff, holder, full["id"])
    busy_waiting = await enrol(enrolment, staff, busy, full["id"])
    free_waiting = await enrol(enrolment, staff, free, full["id"])
    assert (await enrol(enrolment, staff, busy, overlapping["id"]))["state"] == "approved"

    withdrawal = {"by": "participant", "reason": "changed their mind"}
    await enrolment.http.post(f"/enrolments/{placed['id']}/withdraw", json=withdrawal, headers=staff)
    held = (await enrolment.http.get(f"/cohorts/{full['id']}", headers=staff)).json()
    assert (held["approved"], held["waitlist"]) == ([free_waiting["id"]], [busy_waiting["id"]])

    more = await enrolment.http.put(f"/cohorts/{full['id']}/capacity", json={"capacity": 3}, headers=staff)
    assert more.status_code == 200, more.text
    assert (more.json()["approved"], more.json()["waitlist"]) == ([free_waiting["id"]], [busy_waiting["id"]])


async def test_a_place_taken_in_a_cohort_that_has_started_is_active_at_once_and_can_end(
    enrolment: RunningService, notifications: RunningService
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await opened_cohort(enrolment, staff, (await published_programme(enrolment, staff))["id"], capacity=2)
    await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])
    start = await enrolment.http.post(
        f"/cohorts/{cohort['id']}/start", json={"started_on": "2027-01-11"}, headers=staff
    )
    assert start.status_code == 200, start.text

    late = await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])
    assert [step["state"] for step in late["history"]] == ["approved", "active"]
    assert late["state"] == "active"
    ending = {"ended_on": "2027-02-01", "reason": "health"}
    ended = await enrolment.http.post(f"/enrolments/{late['id']}/end", json=ending, headers=staff)
    assert (ended.status_code, ended.json()["state"]) == (200, "ended")

    reader = await notifications.mint_key("events:read")

    async def activation_published() -> list[dict[str, Any]]:
        page = await notifications.http.get("/events", params={"type": "enrolment.enrolment.activated"}, headers=reader)
        return [e for e in page.json()["events"] if e["data"]["enrolment_id"] == late["id"]]

    [activated] = await eventually(activation_published)
    assert activated["data"]["active_from"] == "2027-01-11"
