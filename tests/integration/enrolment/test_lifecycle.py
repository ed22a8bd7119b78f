"""Training interrupted: suspension and resumption, an end with a reason, and release from custody."""

from typing import Any

from tests.support.enrolment import STAFF_SCOPES, enrol, opened_cohort, published_programme, registered_participant
from tests.support.services import RunningService, eventually


async def state_of(service: RunningService, headers: dict[str, str], enrolment_id: str) -> dict[str, Any]:
    found: dict[str, Any] = (await service.http.get(f"/enrolments/{enrolment_id}", headers=headers)).json()
    return found


async def test_suspended_training_resumes_and_an_ended_place_goes_active_to_the_waiting_list(
    enrolment: RunningService, notifications: RunningService
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await opened_cohort(enrolment, staff, (await published_programme(enrolment, staff))["id"], capacity=1)
    first = await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])
    waiting = await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])
    await enrolment.http.post(f"/cohorts/{cohort['id']}/start", json={"started_on": "2027-01-11"}, headers=staff)
    url = f"/enrolments/{first['id']}"

    suspension = {"suspended_on": "2027-02-01", "with_premi": False, "reason": "isolation after a fight"}
    suspended = await enrolment.http.post(f"{url}/suspend", json=suspension, headers=staff)
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["state"] == "suspended"
    again = await enrolment.http.post(f"{url}/suspend", json=suspension, headers=staff)
    assert (again.status_code, again.json()["field"]) == (409, "state")
    resumed = await enrolment.http.post(f"{url}/resume", json={"resumed_on": "2027-02-15"}, headers=staff)
    assert resumed.json()["state"] == "active"

    ending = {"ended_on": "2027-03-01", "reason": "health", "note": "referred to the clinic"}
    response = await enrolment.http.post(f"{url}/end", json=ending, headers=staff)
    assert response.status_code == 200, response.text
    ended = response.json()
    assert ended["state"] == "ended"
    assert ended["history"][-1]["reason"] == "health: referred to the clinic"
    promoted = await state_of(enrolment, staff, waiting["id"])
    assert [step["state"] for step in promoted["history"]] == ["waitlisted", "approved", "active"]

    reader = await notifications.mint_key("events:read")

    async def ended_event() -> list[dict[str, Any]]:
        page = await notifications.http.get("/events", params={"type": "enrolment.enrolment.ended"}, headers=reader)
        return list(page.json()["events"])

    [event] = await eventually(ended_event)
    assert (event["data"]["reason"], event["data"]["ended_on"]) == ("health", "2027-03-01")


async def test_release_from_custody_ends_training_and_gives_up_places_and_queues(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = await published_programme(enrolment, staff)
    running = await opened_cohort(enrolment, staff, programme["id"], capacity=1)
    later = await opened_cohort(
        enrolment, staff, programme["id"], capacity=1, starts_on="2027-06-01", ends_on="2027-08-31"
    )
    leaving = await registered_participant(enrolment, staff)
    training = await enrol(enrolment, staff, leaving, running["id"])
    await enrolment.http.post(f"/cohorts/{running['id']}/start", json={"started_on": "2027-01-11"}, headers=staff)
    placed_later = await enrol(enrolment, staff, leaving, later["id"])
    queued = await enrol(enrolment, staff, await registered_participant(enrolment, staff), later["id"])

    released = await enrolment.http.post(
        f"/participants/{leaving}/release", json={"released_on": "2027-02-20"}, headers=staff
    )
    assert released.status_code == 200, released.text
    assert (await state_of(enrolment, staff, training["id"]))["state"] == "ended"
    assert (await state_of(enrolment, staff, placed_later["id"]))["state"] == "withdrawn"
    assert (await state_of(enrolment, staff, queued["id"]))["state"] == "approved"
