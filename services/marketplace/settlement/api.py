"""HTTP routes of settlement: each programme's terms (platform staff), and the auditor's report."""

from datetime import date
from typing import Annotated, Self

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from services.marketplace.callers import SettlementReader, TermsWriter
from services.marketplace.settlement import handlers
from services.marketplace.settlement.domain import Terms
from services.marketplace.settlement.report import ProgrammeLedger, Report, report
from shared.errors import InvalidInput
from shared.http.app import DatabaseDep
from shared.http.bounds import Day
from shared.http.parameters import PathId

router = APIRouter(tags=["settlement"])
Percent = Annotated[int, Field(ge=0, le=100)]


class TermsIn(BaseModel):
    """How a programme's proceeds split, in whole percent adding up to 100 (default 50 / 15 / 35)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"premi": 40, "pnbp": 0, "working_capital": 60}]}
    )

    premi: Percent
    pnbp: Percent
    working_capital: Percent


class ShareOut(BaseModel):
    participant_id: str = Field(description="Opaque participant id")
    amount: int


class SettlementOut(BaseModel):
    id: str
    order_id: str
    settled_on: date
    proceeds: int
    premi: int
    pnbp: int
    working_capital: int
    terms: TermsIn
    paid: list[ShareOut]
    pending: dict[str, int] = Field(description="Harvest or batch id -> premi waiting for its credits")


class LedgerOut(BaseModel):
    programme_id: str
    agency_id: str | None
    proceeds: int
    premi: int
    premi_paid: int
    premi_pending: int
    pnbp: int
    working_capital: int
    settlements: list[SettlementOut]

    @classmethod
    def from_domain(cls, ledger: ProgrammeLedger) -> Self:
        settlements = [
            {**vars(s), "terms": vars(s.terms), "paid": [{"participant_id": p, "amount": a} for p, a in s.paid.items()]}
            for s in ledger.settlements
        ]
        return cls.model_validate({**vars(ledger), "settlements": settlements})


class ReportOut(BaseModel):
    start: date
    end: date
    programmes: list[LedgerOut]
    proceeds: int = Field(description="Rupiah settled in the period")
    orders_total: int = Field(description="Rupiah the period's fulfilled orders took, counted from the orders")
    reconciled: bool = Field(description="Every split adds up, and the proceeds equal the orders, to the rupiah")

    @classmethod
    def from_domain(cls, found: Report) -> Self:
        return cls(
            start=found.start,
            end=found.end,
            programmes=[LedgerOut.from_domain(ledger) for ledger in found.programmes],
            proceeds=found.proceeds,
            orders_total=found.orders_total,
            reconciled=found.reconciled,
        )


@router.put("/programmes/{programme_id}/terms", summary="Set how a programme's proceeds split")
async def set_terms(programme_id: PathId, body: TermsIn, database: DatabaseDep, caller: TermsWriter) -> TermsIn:
    terms = await handlers.set_terms(database, programme_id, Terms(**body.model_dump()), by=caller.name)
    return TermsIn.model_validate(vars(terms))


@router.get("/programmes/{programme_id}/terms", summary="How a programme's proceeds split")
async def get_terms(programme_id: PathId, database: DatabaseDep, caller: SettlementReader) -> TermsIn:
    return TermsIn.model_validate(vars(await handlers.terms_of(database, programme_id)))


@router.get(
    "/settlements/report",
    summary="Each programme's ledger over a period, reconciled with the fulfilled orders",
    description="A key of a partner agency (`agency_id`) sees its own programmes only.",
)
async def settlement_report(
    database: DatabaseDep,
    caller: SettlementReader,
    start: Annotated[Day, Query(description="First day, inclusive")],
    end: Annotated[Day, Query(description="Last day, inclusive")],
) -> ReportOut:
    if end < start:
        raise InvalidInput("The period ends on or after its start.", field="end")
    return ReportOut.from_domain(await report(database, start=start, end=end, agency_id=caller.agency_id))
