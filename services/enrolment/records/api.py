"""HTTP routes for a participant's training record: JSON for systems, a printable HTML page for people."""

from datetime import date
from html import escape
from typing import Self

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from services.enrolment.callers import facility_of
from services.enrolment.participants.api import ParticipantOut, ParticipantReader
from services.enrolment.records import handlers
from services.enrolment.records.domain import TrainingRecord
from shared.http.app import DatabaseDep
from shared.http.parameters import PathId

router = APIRouter(tags=["participants"])

STYLE = (
    "body{font-family:sans-serif;max-width:48rem;margin:2rem auto;color:#222}"
    "table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #999;padding:.3rem .5rem;"
    "text-align:left}th{background:#eee}@media print{body{margin:0}}"
)


def printable(record: TrainingRecord) -> str:
    """The page handed to the participant, with Indonesian headings."""
    person = record.participant
    rows = "".join(
        f"<tr><td>{escape(line.programme)}</td><td>{escape(line.agency_id)}</td><td>{line.duration_hours}</td>"
        f"<td>{escape(line.state.value)}</td><td>{line.attendance_rate:.0%}</td>"
        f"<td>{escape(line.certificate_number or '-')}</td><td>{line.issued_on or '-'}</td></tr>"
        for line in record.programmes
    )
    owed = ", ".join(f"{currency} {amount:,.2f}" for currency, amount in record.premi_owed().items()) or "-"
    return (
        f"<!doctype html><html lang='id'><head><meta charset='utf-8'><title>Riwayat pelatihan "
        f"{escape(person.full_name)}</title><style>{STYLE}</style></head><body>"
        f"<h1>Riwayat pelatihan kemandirian</h1>"
        f"<p><b>{escape(person.full_name)}</b>, nomor registrasi {escape(person.registration_number)}, "
        f"{escape(person.facility_id)}</p>"
        "<table><tr><th>Program</th><th>OPD</th><th>Jam</th><th>Status</th><th>Kehadiran</th>"
        f"<th>Sertifikat</th><th>Terbit</th></tr>{rows}</table>"
        f"<p>Premi terutang: <b>{escape(owed)}</b></p></body></html>"
    )


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
    participant_id: PathId, database: DatabaseDep, caller: ParticipantReader
) -> TrainingRecordOut:
    record = await handlers.training_record(database, participant_id, facility=facility_of(caller))
    return TrainingRecordOut.from_domain(record)


@router.get(
    "/participants/{participant_id}/training-record.html",
    response_class=HTMLResponse,
    summary="The training record as a printable page",
    responses={404: {"description": "No such participant"}},
)
async def printable_training_record(
    participant_id: PathId, database: DatabaseDep, caller: ParticipantReader
) -> HTMLResponse:
    record = await handlers.training_record(database, participant_id, facility=facility_of(caller))
    return HTMLResponse(printable(record))
