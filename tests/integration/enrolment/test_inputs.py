"""Input that got through or broke things: nulls in a revision, look-alike NIKs, days and numbers out of range."""

from typing import Any

import pytest

from tests.support.enrolment import STAFF_SCOPES, enrol, opened_cohort, published_programme, registered_participant
from tests.support.participants import new_registration
from tests.support.production import problem_of
from tests.support.services import RunningService

BEYOND_INT64 = 2**63


def in_digits(number: str, *, zero: str) -> str:
    """`number` written in the digits of another script, given by its zero."""
    return "".join(chr(ord(zero) + int(digit)) for digit in number)


@pytest.mark.parametrize("field", ["earns_premi", "minimum_attendance_rate", "duration_hours", "name", "competencies"])
async def test_a_programme_revision_that_sets_a_field_to_null_is_refused_naming_it(
    enrolment: RunningService, field: str
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = await published_programme(enrolment, staff)
    revised = await enrolment.http.patch(f"/programmes/{programme['id']}", json={field: None}, headers=staff)
    problem_of(revised, 422, field)


async def test_a_nik_with_a_trailing_newline_or_fullwidth_digits_is_the_same_person_and_arabic_indic_digits_are_refused(
    enrolment: RunningService,
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    first = new_registration()
    await registered_participant(enrolment, staff, **first)
    nik = first["nik"]
    fullwidth = in_digits(nik, zero="\uff10")
    for look_alike in (f"{nik}\n", f" {nik} ", fullwidth):
        again = new_registration(nik=look_alike)
        problem_of(await enrolment.http.post("/participants", json=again, headers=staff), 409, "nik")
    arabic_indic = in_digits(nik, zero="\u0660")
    other = new_registration(nik=arabic_indic)
    problem_of(await enrolment.http.post("/participants", json=other, headers=staff), 422, "nik")


async def test_a_registration_number_with_surrounding_spaces_is_the_same_number(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    first = new_registration()
    await registered_participant(enrolment, staff, **first)
    again = new_registration(registration_number=f" {first['registration_number']}\t")
    problem_of(await enrolment.http.post("/participants", json=again, headers=staff), 409, "registration_number")


@pytest.mark.parametrize(
    ("field", "value"),
    [("date_of_birth", "0001-01-01"), ("date_of_birth", "2999-01-01"), ("behaviour_assessed_on", "2999-01-01")],
)
async def test_a_registration_dated_out_of_range_or_in_the_future_is_refused(
    enrolment: RunningService, field: str, value: str
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    registration = new_registration(**{field: value, "behaviour_score": 70})
    problem_of(await enrolment.http.post("/participants", json=registration, headers=staff), 422, field)


async def test_a_suspension_dated_in_year_one_is_refused(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await opened_cohort(enrolment, staff, (await published_programme(enrolment, staff))["id"])
    enrolled = await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])
    await enrolment.http.post(f"/cohorts/{cohort['id']}/start", json={"started_on": "2027-01-11"}, headers=staff)
    suspension = {"suspended_on": "0001-01-01", "with_premi": False, "reason": "isolation after a fight"}
    suspended = await enrolment.http.post(f"/enrolments/{enrolled['id']}/suspend", json=suspension, headers=staff)
    problem_of(suspended, 422, "suspended_on")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/programmes", {"duration_hours": BEYOND_INT64}),
        ("/programmes", {"sessions": BEYOND_INT64}),
        ("/cohorts", {"capacity": BEYOND_INT64}),
    ],
)
async def test_a_number_beyond_what_the_database_stores_is_refused(
    enrolment: RunningService, path: str, body: dict[str, Any]
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = await published_programme(enrolment, staff, duration_hours=160)
    valid = await valid_body(enrolment, staff, path, programme["id"])
    [field] = body
    problem_of(await enrolment.http.post(path, json={**valid, **body}, headers=staff), 422, field)


async def valid_body(service: RunningService, headers: dict[str, str], path: str, programme_id: str) -> dict[str, Any]:
    found = (await service.http.get(f"/programmes/{programme_id}", headers=headers)).json()
    if path == "/programmes":
        names = ("agency_id", "name", "skill_track", "duration_hours", "sessions", "competencies")
        return {name: found[name] for name in names} | {"minimum_attendance_rate": 0.8, "earns_premi": True}
    return {
        "programme_id": programme_id,
        "facility_id": "rutan-serang",
        "starts_on": "2027-01-11",
        "ends_on": "2027-04-30",
        "capacity": 3,
        "place": "greenhouse A",
    }
