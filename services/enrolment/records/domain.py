"""A participant's training record: what goes with them at release; pure, no I/O."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.enrolment.enrolments.domain import Enrolment, EnrolmentState
from services.enrolment.participants.domain import Participant
from services.enrolment.programmes.domain import Programme


@dataclass(frozen=True)
class PremiEntry:
    settlement_id: str
    programme_id: str
    amount: Decimal
    currency: str
    settled_on: date


@dataclass(frozen=True)
class ProgrammeRecord:
    programme: str
    agency_id: str
    skill_track: str
    duration_hours: int
    state: EnrolmentState
    attendance_rate: float
    certificate_number: str | None
    issued_on: date | None


@dataclass(frozen=True)
class TrainingRecord:
    participant: Participant
    programmes: list[ProgrammeRecord]
    premi: list[PremiEntry]

    def premi_owed(self) -> dict[str, Decimal]:
        """Totals per currency."""
        totals: dict[str, Decimal] = {}
        for entry in self.premi:
            totals[entry.currency] = totals.get(entry.currency, Decimal(0)) + entry.amount
        return totals


RECORDED_STATES = {EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED, EnrolmentState.COMPLETED, EnrolmentState.ENDED}


def programme_record(
    enrolment: Enrolment, programme: Programme, attendance_rate: float, certificate: tuple[str, date] | None
) -> ProgrammeRecord:
    number, issued_on = certificate or (None, None)
    return ProgrammeRecord(
        programme.name,
        programme.agency_id,
        programme.skill_track,
        programme.duration_hours,
        enrolment.state,
        attendance_rate,
        number,
        issued_on,
    )
