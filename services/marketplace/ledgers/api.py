"""HTTP route of the auditor's report: each programme's ledger over a period, reconciled with the orders."""

from datetime import date
from typing import Annotated, Self

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.marketplace.callers import SettlementReader, agency_reach
from services.marketplace.ledgers import handlers
from services.marketplace.ledgers.domain import ProgrammeLedger, Report
from services.marketplace.settlement.api import TermsIn
from shared.errors import InvalidInput
from shared.http.app import DatabaseDep
from shared.http.bounds import Day

router = APIRouter(tags=["settlement"])


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
    return ReportOut.from_domain(await handlers.report(database, start=start, end=end, agency_id=agency_reach(caller)))
