"""Production records for tests: sites of each kind, harvests and lots made over HTTP, the enrolment and programme
events production learns from, reading problems and the event feed; and cycles, harvests and lots made by the
domain alone, for tests of the rules."""

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx

from services.production.cycles.domain import Cycle, start_cycle
from services.production.enrolments.domain import Standing
from services.production.harvests.domain import Harvest, record_harvest
from services.production.lots.domain import Grade, Lot, grade, spec
from services.production.sites.domain import SiteKind, register_site
from shared.contracts.enrolment import (
    CohortOpened,
    EnrolmentActivated,
    EnrolmentCompleted,
    EnrolmentResumed,
    EnrolmentSuspended,
    ProgrammePublished,
)
from shared.contracts.production import HarvestRecorded
from shared.messaging.registry import EventData, envelope_for
from tests.support.services import RunningService

PROBLEM = "application/problem+json"


def rack(**overrides: Any) -> dict[str, Any]:
    return {
        "facility_id": "rutan-serang",
        "name": f"Rak {uuid4().hex[:8]}",
        "kind": "hydroponic_rack",
        "area_m2": "12.5",
        **overrides,
    }


def pond(**overrides: Any) -> dict[str, Any]:
    return {
        "facility_id": "rutan-serang",
        "name": f"Kolam {uuid4().hex[:8]}",
        "kind": "pond",
        "volume_m3": 18,
        **overrides,
    }


def workshop(**overrides: Any) -> dict[str, Any]:
    return {"facility_id": "rutan-serang", "name": f"Bengkel {uuid4().hex[:8]}", "kind": "workshop", **overrides}


def problem_of(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    """The problem+json body, after checking its status and the field it names."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    if field is not None:
        assert body["field"] == field, body
    return body


async def created(service: RunningService, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = await service.http.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def fed(notifications: RunningService, headers: dict[str, str], subject: str) -> list[dict[str, Any]]:
    """The feed's entries about `subject` (an aggregate id)."""
    response = await notifications.http.get("/events", params={"limit": 500}, headers=headers)
    assert response.status_code == 200, response.text
    return [entry for entry in response.json()["events"] if entry["subject"] == subject]


PROGRAMME = "dkpp-hidroponik-2026"


async def harvested(production: RunningService, officer: dict[str, str], quantity: str) -> Any:
    site = await created(production, "/sites", rack(), officer)
    planting = {
        "site_id": site["id"],
        "programme_id": PROGRAMME,
        "commodity": "kangkung",
        "started_on": "2026-12-03",
        "seed_quantity": "0.1",
        "seed_unit": "kg",
    }
    cycle = await created(production, "/cycles", planting, officer)
    harvest = {"harvested_on": "2027-01-10", "quantity": quantity, "unit": "kg"}
    return await created(production, f"/cycles/{cycle['id']}/harvests", harvest, officer)


def lot(code: str, grade: str, quantity: str, unit: str = "kg") -> dict[str, str]:
    return {"lot_code": code, "grade": grade, "quantity": quantity, "unit": unit, "best_before": "2027-01-14"}


async def created_list(service: RunningService, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    response = await service.http.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


class Enrolment:
    """One participant's enrolment, whose events a test publishes as enrolment would."""

    def __init__(self, *, programme_id: str = PROGRAMME) -> None:
        self.id = str(uuid4())
        self.participant_id = str(uuid4())
        self.cohort_id = str(uuid4())
        self.programme_id = programme_id

    @property
    def ids(self) -> dict[str, str]:
        return {
            "enrolment_id": self.id,
            "participant_id": self.participant_id,
            "cohort_id": self.cohort_id,
            "programme_id": self.programme_id,
        }

    def event(self, payload: EventData, sequence: int, *, subject: str | None = None) -> tuple[bytes, bytes]:
        """A message keyed like enrolment's; every call makes a new event id, as a replay would."""
        subject = subject or self.id
        envelope = envelope_for(payload, source="/services/enrolment", subject=subject, sequence=sequence)
        return subject.encode(), envelope.to_bytes()

    def opened(self, facility_id: str = "rutan-serang") -> tuple[bytes, bytes]:
        cohort = CohortOpened(
            cohort_id=self.cohort_id,
            programme_id=self.programme_id,
            agency_id="dkpp",
            facility_id=facility_id,
            starts_on=date(2026, 12, 1),
            ends_on=date(2027, 2, 28),
            capacity=20,
            place="Blok C",
        )
        return self.event(cohort, 1, subject=self.cohort_id)

    def activated(self, on: date, sequence: int = 2) -> tuple[bytes, bytes]:
        return self.event(EnrolmentActivated(**self.ids, active_from=on), sequence)

    def suspended(self, on: date, sequence: int) -> tuple[bytes, bytes]:
        return self.event(EnrolmentSuspended(**self.ids, suspended_on=on, with_premi=False), sequence)

    def resumed(self, on: date, sequence: int) -> tuple[bytes, bytes]:
        return self.event(EnrolmentResumed(**self.ids, resumed_on=on), sequence)

    def completed(self, on: date, sequence: int) -> tuple[bytes, bytes]:
        return self.event(EnrolmentCompleted(**self.ids, completed_on=on, attendance_rate=0.95), sequence)


def programme_published(programme_id: str, agency_id: str) -> tuple[bytes, bytes]:
    payload = ProgrammePublished(
        programme_id=programme_id,
        agency_id=agency_id,
        name=programme_id,
        skill_track="agriculture",
        duration_hours=160,
        sessions=40,
        competencies=["harvest handling"],
        earns_premi=True,
    )
    envelope = envelope_for(payload, source="/services/enrolment", subject=programme_id, sequence=1)
    return programme_id.encode(), envelope.to_bytes()


# Records made by the domain alone, for unit tests.

START = date(2026, 12, 2)


def cycle_on(kind: SiteKind, **start: Any) -> Cycle:
    measure: dict[SiteKind, dict[str, Decimal]] = {
        SiteKind.POND: {"volume_m3": Decimal(18)},
        SiteKind.HYDROPONIC_RACK: {"area_m2": Decimal(12)},
    }
    site = register_site(facility_id="rutan-serang", name="A", kind=kind, **measure.get(kind, {}))[0]
    return start_cycle(site, programme_id="prog", commodity="lele", started_on=START, **start)[0]


POND = cycle_on(SiteKind.POND, stocked_count=500)
WORKSHOP = cycle_on(SiteKind.WORKSHOP)
FINE = {"p-1": Standing("cohort-1", None)}
CREDITS = [("p-1", Decimal("3.5"))]


def harvest(**overrides: Any) -> tuple[Harvest, HarvestRecorded]:
    values: dict[str, Any] = {
        "credits": CREDITS,
        "standings": FINE,
        "harvested_on": START,
        "amount": Decimal("61.5"),
        "unit": "kg",
        "fish_count": 410,
        **overrides,
    }
    return record_harvest(POND, **values)


def graded_lot(amount: str = "40", unit: str = "kg") -> Lot:
    source, _ = harvest()
    _, [lot], _ = grade(source, [spec("L-1", Grade.A, Decimal(amount), unit, None)])
    return lot


async def released_lot(
    production: RunningService, officer: dict[str, str], *, commodity: str, quantity: str = "10"
) -> dict[str, Any]:
    """A lot of `commodity` holding all of a harvest of `quantity` kg on a rack of its own, released for sale."""
    site = await created(production, "/sites", rack(), officer)
    planting = {
        "site_id": site["id"], "programme_id": PROGRAMME, "commodity": commodity, "started_on": "2026-12-03",
        "seed_quantity": "0.1", "seed_unit": "kg",
    }  # fmt: skip
    cycle = await created(production, "/cycles", planting, officer)
    harvest = {"harvested_on": "2027-01-10", "quantity": quantity, "unit": "kg"}
    harvested = await created(production, f"/cycles/{cycle['id']}/harvests", harvest, officer)
    code = f"{commodity[:3].upper()}-{uuid4().hex[:6]}"
    [graded] = await created_list(
        production, f"/harvests/{harvested['id']}/lots", {"lots": [lot(code, "A", quantity)]}, officer
    )
    released = await production.http.post(f"/lots/{graded['id']}/release-for-sale", headers=officer)
    assert released.status_code == 200, released.text
    body: dict[str, Any] = released.json()
    return body
