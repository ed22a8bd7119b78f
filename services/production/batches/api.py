"""HTTP routes for batches of workshop runs."""

from datetime import date, datetime
from typing import Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.production.batches import handlers
from services.production.batches.domain import Batch
from services.production.callers import ProductionReader, ProductionWriter, facility_reach
from services.production.credits.api import NOT_CREDITABLE, CreditIn, CreditOut, credits_in, credits_out
from services.production.quantities.api import AmountOut
from shared.http.app import DatabaseDep
from shared.http.bounds import Count, Day
from shared.http.parameters import Filter, PathId
from shared.storage.pages import After, Limit, Page

# Batches share the harvests tag: the API documents what cycles yield in one place.
router = APIRouter(tags=["harvests"])


class BatchIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "batch_code": "KRP-2027-014",
                    "units": 120,
                    "produced_on": "2027-03-02",
                    "food": True,
                    "best_before": "2027-05-02",
                    "product": "keripik singkong",
                    "credits": [{"participant_id": "1f01dd06-d079-4054-a639-55f5a952ff1c", "hours": "4"}],
                }
            ]
        },
    )

    batch_code: str = Field(min_length=1, max_length=64)
    units: Count = Field(description="Units made")
    produced_on: Day
    food: bool = Field(default=False, description="Food needs a best-before date")
    best_before: Day | None = None
    product: str | None = Field(default=None, min_length=1, max_length=100, description="Defaults to the cycle's")
    credits: list[CreditIn] = Field(default=[], max_length=200)


class BatchOut(BaseModel):
    id: str
    batch_code: str
    cycle_id: str
    programme_id: str
    site_id: str
    product: str
    units: int
    food: bool
    produced_on: date
    best_before: date | None
    credits: list[CreditOut]
    graded: AmountOut
    created_at: datetime

    @classmethod
    def from_domain(cls, batch: Batch) -> Self:
        values = {name: getattr(batch, name) for name in cls.model_fields}
        return cls(**{**values, "credits": credits_out(batch.credits)})


@router.post("/cycles/{cycle_id}/batches", status_code=201, summary="Record a batch", responses=NOT_CREDITABLE)
async def produce_batch(cycle_id: PathId, body: BatchIn, database: DatabaseDep, caller: ProductionWriter) -> BatchOut:
    batch = await handlers.produce_batch(database, reach=facility_reach(caller), cycle_id=cycle_id, **credits_in(body))
    return BatchOut.from_domain(batch)


@router.get("/batches", summary="Workshop batches, oldest first, by cycle and programme; on the sites a key reaches")
async def list_batches(
    database: DatabaseDep,
    caller: ProductionReader,
    cycle_id: Filter = None,
    programme_id: Filter = None,
    after: After = None,
    limit: Limit = 50,
) -> Page[BatchOut]:
    found, cursor = await handlers.batches_page(
        database, reach=facility_reach(caller), cycle_id=cycle_id, programme_id=programme_id, after=after, limit=limit
    )
    return Page(items=[BatchOut.from_domain(batch) for batch in found], next_cursor=cursor)


@router.get("/batches/{batch_id}", summary="A batch", responses={404: {"description": "No such batch within reach"}})
async def get_batch(batch_id: PathId, database: DatabaseDep, caller: ProductionReader) -> BatchOut:
    return BatchOut.from_domain(await handlers.batch(database, batch_id, reach=facility_reach(caller)))
