"""Production learns who may be credited from enrolment events on the real broker, late, out of order or twice."""

from datetime import date
from typing import Any
from uuid import uuid4

from shared.events.enrolment import (
    CohortOpened,
    EnrolmentActivated,
    EnrolmentCompleted,
    EnrolmentResumed,
    EnrolmentSuspended,
)
from shared.events.registry import EventData, envelope_for
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import publish
from tests.support.services import RunningService, eventually

PROGRAMME = "dkpp-hidroponik-2026"


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

    def opened(self) -> tuple[bytes, bytes]:
        cohort = CohortOpened(
            cohort_id=self.cohort_id,
            programme_id=self.programme_id,
            agency_id="dkpp",
            facility_id="rutan-serang",
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


async def enrolments_of(production: RunningService, headers: dict[str, str], participant_id: str) -> Any:
    response = await production.http.get(f"/participants/{participant_id}/enrolments", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def standing(production: RunningService, headers: dict[str, str], enrolment: Enrolment, on: str) -> Any:
    params = {"programme_id": enrolment.programme_id, "on": on}
    path = f"/participants/{enrolment.participant_id}/standing"
    response = await production.http.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_read_model_follows_enrolment_events_delivered_out_of_order_and_twice(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    reader = await production.mint_key("production:read")
    enrolment = Enrolment()
    history = [
        enrolment.activated(date(2026, 12, 1)),
        enrolment.suspended(date(2026, 12, 10), 3),
        enrolment.resumed(date(2026, 12, 15), 4),
        enrolment.completed(date(2027, 2, 20), 5),
    ]
    late_first = [history[3], history[1], enrolment.opened(), history[1], history[2], history[0]]
    replayed = [enrolment.suspended(date(2026, 12, 10), 3), enrolment.activated(date(2026, 12, 1))]
    await publish(infrastructure, f"{namespace}enrolment.events", late_first + replayed)

    expected = [
        {
            "id": enrolment.id,
            "cohort_id": enrolment.cohort_id,
            "programme_id": PROGRAMME,
            "facility_id": "rutan-serang",
            "active": [
                {"first": "2026-12-01", "last": "2026-12-09"},
                {"first": "2026-12-15", "last": "2027-02-20"},
            ],
        }
    ]

    async def learnt() -> bool:
        return await enrolments_of(production, reader, enrolment.participant_id) == expected

    await eventually(learnt)
    documents = await production.runtime.database.db["enrolments"].find({}).to_list()
    assert [len(document["facts"]) for document in documents] == [4]

    says = {day: await standing(production, reader, enrolment, day) for day in ("2026-11-30", "2026-12-12")}
    assert says["2026-11-30"]["reason"] == "not yet active: active from 2026-12-01"
    assert says["2026-12-12"] == {
        "participant_id": enrolment.participant_id,
        "programme_id": PROGRAMME,
        "on": "2026-12-12",
        "creditable": False,
        "reason": "suspended on 2026-12-10",
    }
    assert (await standing(production, reader, enrolment, "2027-02-20"))["creditable"] is True
    after_completion = await standing(production, reader, enrolment, "2027-02-21")
    assert after_completion["reason"] == "enrolment completed on 2027-02-20"
