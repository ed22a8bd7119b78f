"""Changing a cohort and a programme after they open: capacity, closing, revision, and whose they are."""

from typing import Any

from tests.support.enrolment import STAFF_SCOPES, enrol, opened_cohort, published_programme, registered_participant
from tests.support.services import RunningService, eventually


async def test_more_capacity_promotes_the_waiting_list_and_less_than_taken_is_refused(
    enrolment: RunningService,
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await opened_cohort(enrolment, staff, (await published_programme(enrolment, staff))["id"], capacity=1)
    placed = [
        await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"]) for _ in range(4)
    ]
    url = f"/cohorts/{cohort['id']}/capacity"
    grown = await enrolment.http.put(url, json={"capacity": 3}, headers=staff)
    assert grown.status_code == 200, grown.text
    assert grown.json()["approved"] == [p["id"] for p in placed[:3]]
    assert grown.json()["waitlist"] == [placed[3]["id"]]
    shrunk = await enrolment.http.put(url, json={"capacity": 2}, headers=staff)
    assert (shrunk.status_code, shrunk.json()["field"]) == (422, "capacity")


async def test_closing_ends_unfinished_training_and_clears_the_waiting_list(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await opened_cohort(enrolment, staff, (await published_programme(enrolment, staff))["id"], capacity=1)
    training = await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])
    waiting = await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])
    await enrolment.http.post(f"/cohorts/{cohort['id']}/start", json={"started_on": "2027-01-11"}, headers=staff)

    closed = await enrolment.http.post(
        f"/cohorts/{cohort['id']}/close", json={"closed_on": "2027-04-30"}, headers=staff
    )
    assert closed.status_code == 200, closed.text
    assert (closed.json()["closed_on"], closed.json()["waitlist"]) == ("2027-04-30", [])
    ended = (await enrolment.http.get(f"/enrolments/{training['id']}", headers=staff)).json()
    assert (ended["state"], ended["history"][-1]["reason"]) == ("ended", "not_completed")
    assert (await enrolment.http.get(f"/enrolments/{waiting['id']}", headers=staff)).json()["state"] == "withdrawn"
    late = await enrolment.http.post(
        "/enrolments",
        headers=staff,
        json={"participant_id": await registered_participant(enrolment, staff), "cohort_id": cohort["id"]},
    )
    assert (late.status_code, late.json()["field"]) == (409, "cohort_id")


async def test_closing_before_the_start_gives_up_every_place(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await opened_cohort(enrolment, staff, (await published_programme(enrolment, staff))["id"], capacity=1)
    placed = await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])
    waiting = await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])

    closed = await enrolment.http.post(
        f"/cohorts/{cohort['id']}/close", json={"closed_on": "2027-01-04"}, headers=staff
    )
    assert (closed.json()["approved"], closed.json()["waitlist"], closed.json()["places_left"]) == ([], [], 1)
    for enrolment_id in (placed["id"], waiting["id"]):
        found = (await enrolment.http.get(f"/enrolments/{enrolment_id}", headers=staff)).json()
        assert (found["state"], found["history"][-1]["reason"]) == ("withdrawn", "the cohort closed")


async def test_a_published_programme_revision_is_checked_and_announced(
    enrolment: RunningService, notifications: RunningService
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = await published_programme(enrolment, staff)
    url = f"/programmes/{programme['id']}"
    bad = await enrolment.http.patch(url, json={"sessions": 500}, headers=staff)
    assert (bad.status_code, bad.json()["field"]) == (422, "sessions")
    revised = await enrolment.http.patch(
        url, json={"duration_hours": 170, "name": "Hidroponik lanjutan"}, headers=staff
    )
    assert (revised.json()["duration_hours"], revised.json()["sessions"]) == (170, 40)
    reader = await notifications.mint_key("events:read")

    async def announced() -> list[dict[str, Any]]:
        page = await notifications.http.get("/events", params={"type": "enrolment.programme.updated"}, headers=reader)
        return list(page.json()["events"])

    [event] = await eventually(announced)
    assert (event["data"]["name"], event["data"]["duration_hours"]) == ("Hidroponik lanjutan", 170)


async def test_an_agency_defines_and_opens_only_its_own_programmes(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    dkpp = await enrolment.mint_key("programmes:write", "programmes:read", "cohorts:write", agency_id="dkpp")
    own = await published_programme(enrolment, dkpp, agency_id="dkpp")
    theirs = await published_programme(enrolment, staff, agency_id="diskoperindag")
    definition = {
        "agency_id": "diskoperindag",
        "name": "Kerajinan",
        "skill_track": "umkm_production",
        "duration_hours": 40,
        "sessions": 10,
        "competencies": ["weaving"],
        "minimum_attendance_rate": 0.8,
        "earns_premi": True,
    }
    refused = await enrolment.http.post("/programmes", json=definition, headers=dkpp)
    assert (refused.status_code, refused.json()["field"]) == (403, "agency_id")
    opening = {
        "facility_id": "rutan-serang",
        "starts_on": "2027-01-11",
        "ends_on": "2027-03-01",
        "capacity": 5,
        "place": "plot",
    }
    assert (
        await enrolment.http.post("/cohorts", json={**opening, "programme_id": own["id"]}, headers=dkpp)
    ).status_code == 201
    other = await enrolment.http.post("/cohorts", json={**opening, "programme_id": theirs["id"]}, headers=dkpp)
    assert other.status_code == 403


async def test_an_agency_lists_and_changes_only_its_own_cohorts(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    dkpp = await enrolment.mint_key("cohorts:read", "cohorts:write", agency_id="dkpp")
    own = await opened_cohort(enrolment, staff, (await published_programme(enrolment, staff))["id"])
    catfish = await published_programme(enrolment, staff, agency_id="dinas-perikanan", name="Budidaya lele")
    theirs = await opened_cohort(enrolment, staff, catfish["id"])

    listed = (await enrolment.http.get("/cohorts", headers=dkpp)).json()["items"]
    assert [cohort["id"] for cohort in listed] == [own["id"]]
    url = f"/cohorts/{theirs['id']}"
    for response in (
        await enrolment.http.put(f"{url}/capacity", json={"capacity": 9}, headers=dkpp),
        await enrolment.http.post(f"{url}/start", json={"started_on": "2027-01-11"}, headers=dkpp),
        await enrolment.http.post(f"{url}/close", json={"closed_on": "2027-01-11"}, headers=dkpp),
    ):
        assert (response.status_code, response.json()["field"]) == (403, "agency_id")
    grown = await enrolment.http.put(f"/cohorts/{own['id']}/capacity", json={"capacity": 9}, headers=dkpp)
    assert grown.json()["capacity"] == 9
