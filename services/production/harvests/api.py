"""HTTP routes for harvests of plantings and stockings."""

from datetime import date, datetime
from typing import Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.production.callers import ProductionReader, ProductionWriter, facility_reach
from services.production.credits.api import NOT_CREDITABLE, CreditIn, CreditOut, credits_in, credits_out
from services.production.harvests import handlers
from services.production.harvests.domain import Harvest
from services.production.quantities.api import AmountIn, AmountOut
from services.production.quantities.domain import Unit
from shared.http.app import DatabaseDep
from shared.http.bounds import Count, Day
from shared.http.parameters import Filter, PathId
from shared.storage.pages import After, Limit, Page

router = APIRouter(tags=["harvests"])


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

    harvested_on: Day
    quantity: AmountIn
    unit: Unit = Field(description="Fish are weighed: kg, g or t")
    fish_count: Count | None = Field(default=None, description="Fish counted, for stockings")
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


@router.post("/cycles/{cycle_id}/harvests", status_code=201, summary="Record a harvest", responses=NOT_CREDITABLE)
async def record_harvest(
    cycle_id: PathId, body: HarvestIn, database: DatabaseDep, caller: ProductionWriter
) -> HarvestOut:
    harvest = await handlers.record_harvest(
        database, reach=facility_reach(caller), cycle_id=cycle_id, **credits_in(body)
    )
    return HarvestOut.from_domain(harvest)


@router.get("/harvests", summary="Harvests, oldest first, by cycle and programme; on the sites a key reaches")
async def list_harvests(
    database: DatabaseDep,
    caller: ProductionReader,
    cycle_id: Filter = None,
    programme_id: Filter = None,
    after: After = None,
    limit: Limit = 50,
) -> Page[HarvestOut]:
    found, cursor = await handlers.harvests_page(
        database, reach=facility_reach(caller), cycle_id=cycle_id, programme_id=programme_id, after=after, limit=limit
    )
    return Page(items=[HarvestOut.from_domain(harvest) for harvest in found], next_cursor=cursor)


@router.get(
    "/harvests/{harvest_id}", summary="A harvest", responses={404: {"description": "No such harvest within reach"}}
)
async def get_harvest(harvest_id: PathId, database: DatabaseDep, caller: ProductionReader) -> HarvestOut:
    return HarvestOut.from_domain(await handlers.harvest(database, harvest_id, reach=facility_reach(caller)))
