"""Walks the role table in docs/roles.md: each row's request, sent with the row's role, answers its status."""

import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.enrolment import (
    STAFF_SCOPES,
    created,
    enrol,
    known_facility,
    opened_cohort,
    published_programme,
    registered_participant,
)
from tests.support.services import RunningService

ROLES_DOC = Path(__file__).parents[3] / "docs" / "roles.md"
EVERY_SCOPE = (*STAFF_SCOPES, "attendance:write", "assessments:write")
ROLE_ATTRIBUTES = {
    "directorate": {},
    "officer": {"facility_id": "rutan-serang"},
    "agency": {"agency_id": "dkpp"},
    "trainer": {"trainer_id": "dkpp-trainer-1"},
}
ROW = re.compile(r"^\| (\w+) \| `(\w+) ([^`]+)` \| ([^|]+) \| (\d{3}) \|$", re.MULTILINE)


def table_rows() -> list[tuple[str, str, str, str, int]]:
    rows = [
        (role, method, path, on.strip(), int(status))
        for role, method, path, on, status in ROW.findall(ROLES_DOC.read_text())
    ]
    assert rows, f"no role table found in {ROLES_DOC}"
    return rows


async def started(service: RunningService, staff: dict[str, str], cohort: dict[str, Any]) -> None:
    response = await service.http.post(
        f"/cohorts/{cohort['id']}/start", json={"started_on": "2027-01-11"}, headers=staff
    )
    assert response.status_code == 200, response.text


async def draft_programme(service: RunningService, staff: dict[str, str], agency_id: str) -> dict[str, Any]:
    body = {
        "agency_id": agency_id,
        "name": "Draf",
        "skill_track": "agriculture",
        "duration_hours": 40,
        "sessions": 10,
        "competencies": ["nutrient mixing"],
        "minimum_attendance_rate": 0.8,
        "earns_premi": False,
    }
    return await created(service, staff, "/programmes", body)


async def world(service: RunningService, staff: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Everything the table's `on` column names, by that name; a cohort's entry names its enrolment."""
    await known_facility(service, staff, "lapas-cilegon")
    things: dict[str, dict[str, Any]] = {
        "dkpp programme": await published_programme(service, staff, agency_id="dkpp"),
        "fisheries programme": await published_programme(service, staff, agency_id="dinas-perikanan"),
        "dkpp draft": await draft_programme(service, staff, "dkpp"),
        "fisheries draft": await draft_programme(service, staff, "dinas-perikanan"),
        "participant": {"id": await registered_participant(service, staff)},
        "rutan-serang": {"id": "rutan-serang"},
        "lapas-cilegon": {"id": "lapas-cilegon"},
    }
    cohorts = {
        "dkpp": ("dkpp programme", "rutan-serang", "dkpp-trainer-1"),
        "started dkpp": ("dkpp programme", "rutan-serang", "dkpp-trainer-1"),
        "fisheries": ("fisheries programme", "rutan-serang", "perikanan-trainer-1"),
        "cilegon": ("dkpp programme", "lapas-cilegon", "dkpp-trainer-1"),
    }
    for name, (programme, facility, trainer) in cohorts.items():
        cohort = await opened_cohort(
            service, staff, things[programme]["id"], facility_id=facility, trainer_ids=[trainer]
        )
        participant = await registered_participant(service, staff, facility_id=facility)
        enrolment_name = "active dkpp enrolment" if name == "started dkpp" else f"{name} enrolment"
        things[enrolment_name] = await enrol(service, staff, participant, cohort["id"])
        things[f"{name} cohort"] = {**cohort, "enrolment_id": things[enrolment_name]["id"]}
    for name in ("started dkpp cohort", "fisheries cohort"):
        await started(service, staff, things[name])
    return things


def body_for(method: str, path: str, on: dict[str, Any], things: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The request body a row's route takes, about the thing the row is `on`."""
    if path == "/cohorts":
        return {
            "programme_id": things["dkpp programme"]["id"],
            "facility_id": on["id"],
            "starts_on": "2027-01-11",
            "ends_on": "2027-04-30",
            "capacity": 3,
            "place": "greenhouse B",
        }
    if path == "/enrolments":
        return {"participant_id": things["participant"]["id"], "cohort_id": on["id"]}
    bodies = {
        "start": {"started_on": "2027-01-11"},
        "close": {"closed_on": "2027-04-30"},
        "capacity": {"capacity": 9},
        "publish": {},
        "attendance": {"held_on": "2027-01-12", "marks": [{"enrolment_id": on.get("enrolment_id"), "attended": True}]},
        "assessments": {"competency": "nutrient mixing", "passed": True},
    }
    return bodies.get(path.rsplit("/", 1)[-1]) if method != "GET" else None


@pytest.mark.parametrize(("role", "method", "path", "on", "status"), table_rows())
async def test_each_role_reaches_what_the_role_table_says(
    enrolment: RunningService, role: str, method: str, path: str, on: str, status: int
) -> None:
    things = await world(enrolment, await enrolment.mint_key(*EVERY_SCOPE))
    key = await enrolment.mint_key(*EVERY_SCOPE, **ROLE_ATTRIBUTES[role])
    body = body_for(method, path, things[on], things)
    response = await enrolment.http.request(method, path.format(id=things[on]["id"]), json=body, headers=key)
    assert response.status_code == status, response.text
