"""HTTP routes of settlement: each programme's terms, set by platform staff."""

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.marketplace.callers import NotStaff, SettlementReader, TermsWriter
from services.marketplace.settlement import handlers
from services.marketplace.settlement.domain import Terms
from shared.http.app import DatabaseDep
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


@router.put("/programmes/{programme_id}/terms", summary="Set how a programme's proceeds split")
async def set_terms(programme_id: PathId, body: TermsIn, database: DatabaseDep, caller: TermsWriter) -> TermsIn:
    if not caller.staff:
        raise NotStaff("Only platform staff set a programme's terms.")
    terms = await handlers.set_terms(database, programme_id, Terms(**body.model_dump()), by=caller.name)
    return TermsIn.model_validate(vars(terms))


@router.get("/programmes/{programme_id}/terms", summary="How a programme's proceeds split")
async def get_terms(programme_id: PathId, database: DatabaseDep, caller: SettlementReader) -> TermsIn:
    return TermsIn.model_validate(vars(await handlers.terms_of(database, programme_id)))
