"""HTTP routes for harvests of plantings and stockings, and batches of workshop runs."""

from datetime import date, datetime
from typing import Annotated, Any, Self

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from services.production import handlers_harvests, store_harvests
from services.production.api_fields import AmountIn, AmountOut, ProductionReader, ProductionWriter
from services.production.batches import Batch
from services.production.harvests import Credited, Harvest
from services.production.units import Unit
from shared.http import DatabaseDep
from shared.pages import After, Limit, Page

router = APIRouter(tags=["harvests"])

Id = Annotated[str, Path(max_length=64)]
NOT_CREDITABLE: dict[int | str, dict[str, Any]] = {
    422: {"description": "Bad input, or a credited participant was not active that day"}
}


class CreditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: str = Field(min_length=1, max_length=64, description="Opaque participant id")
    hours: AmountIn


class CreditOut(BaseModel):
    participant_id: str
    hours: AmountOut
    cohort_id: str | None = Field(description="the cohort the participant was active in that day")


def credits_in(body: BaseModel) -> dict[str, Any]:
    values = body.model_dump()
    values["credits"] = [(credit["participant_id"], credit["hours"]) for credit in values["credits"]]
    return values


def credits_out(credits: tuple[Credited, ...]) -> list[CreditOut]:
    return [CreditOut(participant_id=c.participant_id, hours=c.hours, cohort_id=c.cohort_id) for c in credits]


class HarvestIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "harvested_on": "2027-03-02",
                    "quantity": "42.5",
                    "unit": "kg",
                    "fish_count": 380,
                    "credits": [{"participant_id": "1f01dd06-d079-4054-a639-55f5a952ff1c", "hours": "6"}],
                }
            ]
        },
    )

    harvested_on: date
    quantity: AmountIn
    unit: Unit = Field(description="Fish are weighed: kg, g or t")
    fish_count: int | None = Field(default=None, description="Fish counted, for stockings")
    commodity: str | None = Field(default=None, min_length=1, max_length=100, description="Defaults to the cycle's")
    credits: list[CreditIn] = Field(default=[], max_length=200)


class HarvestOut(BaseModel):
    id: str
    cycle_id: str
    programme_id: str
    site_id: str
    commodity: str
    quantity: AmountOut
    unit: Unit
    fish_count: int | None
    harvested_on: date
    credits: list[CreditOut]
    graded: AmountOut
    created_at: datetime

    @classmethod
    def from_domain(cls, harvest: Harvest) -> Self:
        values = {name: getattr(harvest, name) for name in cls.model_fields if name not in ("quantity", "unit")}
        values["credits"] = credits_out(harvest.credits)
        return cls(**values, quantity=harvest.quantity.amount, unit=harvest.quantity.unit)


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
    units: int = Field(description="Units made")
    produced_on: date
    food: bool = Field(default=False, description="Food needs a best-before date")
    best_before: date | None = None
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


@router.post("/cycles/{cycle_id}/harvests", status_code=201, summary="Record a harvest", responses=NOT_CREDITABLE)
async def record_harvest(cycle_id: Id, body: HarvestIn, database: DatabaseDep, caller: ProductionWriter) -> HarvestOut:
    harvest = await handlers_harvests.record_harvest(database, cycle_id=cycle_id, **credits_in(body))
    return HarvestOut.from_domain(harvest)


@router.get("/harvests", summary="Harvests, oldest first, by cycle and programme")
async def list_harvests(
    database: DatabaseDep,
    caller: ProductionReader,
    cycle_id: Annotated[str | None, Query(max_length=64)] = None,
    programme_id: Annotated[str | None, Query(max_length=64)] = None,
    after: After = None,
    limit: Limit = 50,
) -> Page[HarvestOut]:
    found, cursor = await store_harvests.harvests_page(
        database, cycle_id=cycle_id, programme_id=programme_id, after=after, limit=limit
    )
    return Page(items=[HarvestOut.from_domain(harvest) for harvest in found], next_cursor=cursor)


@router.get("/harvests/{harvest_id}", summary="A harvest", responses={404: {"description": "No such harvest"}})
async def get_harvest(harvest_id: Id, database: DatabaseDep, caller: ProductionReader) -> HarvestOut:
    return HarvestOut.from_domain(await handlers_harvests.harvest(database, harvest_id))


@router.post("/cycles/{cycle_id}/batches", status_code=201, summary="Record a batch", responses=NOT_CREDITABLE)
async def produce_batch(cycle_id: Id, body: BatchIn, database: DatabaseDep, caller: ProductionWriter) -> BatchOut:
    return BatchOut.from_domain(await handlers_harvests.produce_batch(database, cycle_id=cycle_id, **credits_in(body)))


@router.get("/batches", summary="Workshop batches, oldest first, by cycle and programme")
async def list_batches(
    database: DatabaseDep,
    caller: ProductionReader,
    cycle_id: Annotated[str | None, Query(max_length=64)] = None,
    programme_id: Annotated[str | None, Query(max_length=64)] = None,
    after: After = None,
    limit: Limit = 50,
) -> Page[BatchOut]:
    found, cursor = await store_harvests.batches_page(
        database, cycle_id=cycle_id, programme_id=programme_id, after=after, limit=limit
    )
    return Page(items=[BatchOut.from_domain(batch) for batch in found], next_cursor=cursor)


@router.get("/batches/{batch_id}", summary="A batch", responses={404: {"description": "No such batch"}})
async def get_batch(batch_id: Id, database: DatabaseDep, caller: ProductionReader) -> BatchOut:
    return BatchOut.from_domain(await handlers_harvests.batch(database, batch_id))
