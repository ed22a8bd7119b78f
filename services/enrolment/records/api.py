"""HTTP routes for a participant's training record: JSON for systems, a printable page for people."""

from datetime import date
from typing import Self

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from services.enrolment import record_page
from services.enrolment.callers import facility_of
from services.enrolment.participants.api import ParticipantId, ParticipantOut, ParticipantReader
from services.enrolment.records import handlers as records_handlers
from services.enrolment.records.domain import TrainingRecord
from shared.http import DatabaseDep

router = APIRouter(tags=["participants"])


class ProgrammeRecordOut(BaseModel):
    programme: str
    agency_id: str
    skill_track: str
    duration_hours: int
    state: str
    attendance_rate: float
    certificate_number: str | None
    issued_on: date | None


class TrainingRecordOut(BaseModel):
    participant: ParticipantOut
    programmes: list[ProgrammeRecordOut]
    premi: list[dict[str, str]] = Field(description="settlements: settlement_id, programme_id, amount, currency, date")
    premi_owed: dict[str, str] = Field(description="total owed per currency, exact")

    @classmethod
    def from_domain(cls, record: TrainingRecord) -> Self:
        premi = [
            {
                "settlement_id": e.settlement_id,
                "programme_id": e.programme_id,
                "amount": format(e.amount, "f"),
                "currency": e.currency,
                "settled_on": e.settled_on.isoformat(),
            }
            for e in record.premi
        ]
        return cls(
            participant=ParticipantOut.from_domain(record.participant),
            programmes=[ProgrammeRecordOut.model_validate(line, from_attributes=True) for line in record.programmes],
            premi=premi,
            premi_owed={currency: format(total, "f") for currency, total in record.premi_owed().items()},
        )


@router.get(
    "/participants/{participant_id}/training-record",
    summary="The training record that goes with a participant",
    responses={404: {"description": "No such participant"}},
)
async def training_record(
    participant_id: ParticipantId, database: DatabaseDep, caller: ParticipantReader
) -> TrainingRecordOut:
    record = await records_handlers.training_record(database, participant_id, facility=facility_of(caller))
    return TrainingRecordOut.from_domain(record)


@router.get(
    "/participants/{participant_id}/training-record.html",
    response_class=HTMLResponse,
    summary="The training record as a printable page",
    responses={404: {"description": "No such participant"}},
)
async def printable_training_record(
    participant_id: ParticipantId, database: DatabaseDep, caller: ParticipantReader
) -> HTMLResponse:
    record = await records_handlers.training_record(database, participant_id, facility=facility_of(caller))
    return HTMLResponse(record_page.render(record))
