"""Programmes, cohorts and participants created through the enrolment API, for tests, and a participant who
completed a programme with its certificate."""

from typing import Any

from tests.support.participants import new_registration
from tests.support.services import RunningService

STAFF_SCOPES = (
    "participants:write",
    "participants:read",
    "programmes:write",
    "programmes:read",
    "cohorts:write",
    "cohorts:read",
    "enrolments:write",
    "enrolments:read",
    "reference:write",
    "reference:read",
)


async def created(service: RunningService, headers: dict[str, str], url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await service.http.post(url, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


async def published_programme(service: RunningService, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    definition = {
        "agency_id": "dkpp",
        "name": "Hidroponik sayuran",
        "skill_track": "agriculture",
        "duration_hours": 160,
        "sessions": 40,
        "competencies": ["nutrient mixing", "harvest handling"],
        "minimum_attendance_rate": 0.8,
        "earns_premi": True,
        **overrides,
    }
    programme = await created(service, headers, "/programmes", definition)
    return await created(service, headers, f"/programmes/{programme['id']}/publish", {})


async def opened_cohort(
    service: RunningService, headers: dict[str, str], programme_id: str, **overrides: Any
) -> dict[str, Any]:
    opening = {
        "programme_id": programme_id,
        "facility_id": "rutan-serang",
        "starts_on": "2027-01-11",
        "ends_on": "2027-04-30",
        "capacity": 3,
        "trainer_ids": ["dkpp-trainer-1"],
        "place": "greenhouse A",
        **overrides,
    }
    return await created(service, headers, "/cohorts", opening)


async def registered_participant(service: RunningService, headers: dict[str, str], **overrides: Any) -> str:
    participant = await created(service, headers, "/participants", new_registration(**overrides))
    return str(participant["id"])


async def enrol(
    service: RunningService, headers: dict[str, str], participant_id: str, cohort_id: str, **extra: Any
) -> dict[str, Any]:
    return await created(
        service, headers, "/enrolments", {"participant_id": participant_id, "cohort_id": cohort_id, **extra}
    )


async def known_facility(service: RunningService, headers: dict[str, str], facility_id: str) -> str:
    """Register a facility beside the founding Serang centre."""
    body = {"id": facility_id, "name": facility_id.replace("-", " ").title(), "kind": "lapas", "regency": "Banten"}
    await created(service, headers, "/facilities", body)
    return facility_id


async def completed_participant(service: RunningService, staff: dict[str, str]) -> tuple[str, dict[str, Any]]:
    programme = await published_programme(
        service, staff, sessions=1, duration_hours=8, competencies=["packaging"], name="Produksi <makanan> ringan"
    )
    cohort = await opened_cohort(service, staff, programme["id"], capacity=1)
    participant = await registered_participant(service, staff, full_name="Dedi <Setiawan>")
    placed = await enrol(service, staff, participant, cohort["id"])
    await service.http.post(f"/cohorts/{cohort['id']}/start", json={"started_on": "2027-01-11"}, headers=staff)
    await service.http.put(
        f"/cohorts/{cohort['id']}/sessions/1/attendance",
        headers=staff,
        json={"held_on": "2027-01-12", "marks": [{"enrolment_id": placed["id"], "attended": True}]},
    )
    await service.http.post(
        f"/enrolments/{placed['id']}/assessments", json={"competency": "packaging", "passed": True}, headers=staff
    )
    done = await service.http.post(
        f"/enrolments/{placed['id']}/complete", json={"completed_on": "2027-04-30"}, headers=staff
    )
    assert done.status_code == 200, done.text
    return participant, programme | {"certificate_number": done.json()["certificate_number"]}
