"""Listings with filters and cursor pagination, each key seeing only what it may."""

from typing import Any

from tests.support.enrolment import (
    STAFF_SCOPES,
    enrol,
    known_facility,
    opened_cohort,
    published_programme,
    registered_participant,
)
from tests.support.services import RunningService


async def every_page(service: RunningService, url: str, headers: dict[str, str], **params: Any) -> list[list[str]]:
    """The ids of each page, following next_cursor to the end."""
    pages, cursor = [], None
    while True:
        query = {**params, **({"after": cursor} if cursor else {})}
        if url.endswith("/search"):  # a search goes in a body, so that what it looks for is never in a URL
            response = await service.http.post(url, json=query, headers=headers)
        else:
            response = await service.http.get(url, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


async def test_a_cohorts_enrolments_come_page_by_page_in_request_order(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await opened_cohort(enrolment, staff, (await published_programme(enrolment, staff))["id"], capacity=2)
    requested = [
        (await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"]))["id"]
        for _ in range(5)
    ]
    pages = await every_page(enrolment, "/enrolments", staff, cohort_id=cohort["id"], limit=2)
    assert pages == [requested[0:2], requested[2:4], requested[4:5]]
    waiting = await every_page(enrolment, "/enrolments", staff, cohort_id=cohort["id"], state="waitlisted")
    assert waiting == [requested[2:]]


async def test_an_officer_lists_only_their_facilitys_participants(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    serang = [await registered_participant(enrolment, staff, facility_id="rutan-serang") for _ in range(2)]
    await registered_participant(enrolment, staff, facility_id=await known_facility(enrolment, staff, "lapas-cilegon"))
    officer = await enrolment.mint_key("participants:read", facility_id="rutan-serang")
    listed = await every_page(enrolment, "/participants", officer, facility_id="lapas-cilegon")
    assert listed == [serang]


async def test_an_agency_lists_only_its_own_programmes_and_a_bad_cursor_is_refused(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    own = await published_programme(enrolment, staff, agency_id="dinas-perikanan", name="Budidaya lele")
    await published_programme(enrolment, staff, agency_id="dkpp")
    fisheries = await enrolment.mint_key("programmes:read", agency_id="dinas-perikanan")
    assert await every_page(enrolment, "/programmes", fisheries) == [[own["id"]]]
    bad = await enrolment.http.get("/programmes", params={"after": "not-a-cursor"}, headers=fisheries)
    assert (bad.status_code, bad.json()["field"]) == (422, "after")


async def test_officers_find_participants_by_name_prefix_registration_number_or_nik(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    siti = await registered_participant(enrolment, staff, full_name="Siti Aminah", registration_number="BI.77.A")
    await registered_participant(enrolment, staff, full_name="Budi Santoso")
    assert await every_page(enrolment, "/participants/search", staff, q="siti a") == [[siti]]
    assert await every_page(enrolment, "/participants/search", staff, q="BI.77.A") == [[siti]]
    assert await every_page(enrolment, "/participants/search", staff, q="(.*") == [[]]


async def test_officers_find_the_participants_due_for_release_within_days_given(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    on_first, on_last = [
        await registered_participant(enrolment, staff, expected_release=day) for day in ("2027-03-01", "2027-03-31")
    ]
    await registered_participant(enrolment, staff, expected_release="2027-02-28")
    april = await registered_participant(enrolment, staff, expected_release="2027-04-01")
    march = {"release_from": "2027-03-01", "release_until": "2027-03-31"}
    assert await every_page(enrolment, "/participants/search", staff, **march) == [[on_first, on_last]]
    after = await every_page(enrolment, "/participants/search", staff, release_from="2027-03-31")
    assert after == [[on_last, april]]
    backwards = await enrolment.http.post(
        "/participants/search", json={"release_from": "2027-03-31", "release_until": "2027-03-01"}, headers=staff
    )
    assert (backwards.status_code, backwards.json()["field"]) == (422, "release_until")
