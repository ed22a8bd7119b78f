"""HTTP routes for production cycles: plantings, fish stockings and workshop runs."""

from datetime import date, datetime
from typing import Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.production.callers import ProductionReader, ProductionWriter, facility_reach
from services.production.cycles import handlers
from services.production.cycles.domain import Cycle, CycleKind, CycleStatus
from services.production.quantities.api import AmountIn, AmountOut
from services.production.quantities.domain import Unit
from shared.http.app import DatabaseDep
from shared.http.bounds import Count, Day
from shared.http.parameters import Filter, PathId
from shared.storage.pages import After, Limit, Page

router = APIRouter(tags=["cycles"])


class CycleStart(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "site_id": "0b7c5a52-1f7e-4c2a-9a55-3f1f1c2a8d10",
                    "programme_id": "dkpp-hidroponik-2026",
                    "commodity": "kangkung",
                    "started_on": "2026-12-03",
                    "seed_quantity": "0.25",
                    "seed_unit": "kg",
                },
                {
                    "site_id": "5d0e2f4b-8c61-4f3e-b7a2-6a9d3c1e0f27",
                    "programme_id": "perikanan-lele-2026",
                    "commodity": "lele",
                    "started_on": "2026-12-03",
                    "stocked_count": 2000,
                },
            ]
        },
    )

    site_id: str = Field(max_length=64)
    programme_id: str = Field(min_length=1, max_length=64)
    commodity: str = Field(min_length=1, max_length=100, description="What is grown or made, e.g. kangkung, lele")
    started_on: Day
    seed_quantity: AmountIn | None = Field(default=None, description="Seed sown; required on racks and plots")
    seed_unit: Unit | None = Field(default=None, description="Unit of seed_quantity; required on racks and plots")
    stocked_count: Count | None = Field(default=None, description="Fish stocked; required on ponds and tanks")


class CycleOut(BaseModel):
    id: str
    site_id: str
    programme_id: str
    commodity: str
    kind: CycleKind
    started_on: date
    seed_quantity: AmountOut | None
    seed_unit: Unit | None
    stocked_count: int | None
    status: CycleStatus
    closed_on: date | None
    created_at: datetime

    @classmethod
    def from_domain(cls, cycle: Cycle) -> Self:
        return cls(
            id=cycle.id,
            site_id=cycle.site_id,
            programme_id=cycle.programme_id,
            commodity=cycle.commodity,
            kind=cycle.kind,
            started_on=cycle.started_on,
            seed_quantity=cycle.seed.amount if cycle.seed else None,
            seed_unit=cycle.seed.unit if cycle.seed else None,
            stocked_count=cycle.stocked_count,
            status=cycle.status,
            closed_on=cycle.closed_on,
            created_at=cycle.created_at,
        )


@router.post(
    "/cycles",
    status_code=201,
    summary="Start a planting, stocking or workshop run on a site",
    responses={404: {"description": "No such site within reach"}},
)
async def start_cycle(body: CycleStart, database: DatabaseDep, caller: ProductionWriter) -> CycleOut:
    return CycleOut.from_domain(await handlers.start_cycle(database, reach=facility_reach(caller), **body.model_dump()))


@router.get(
    "/cycles", summary="Production cycles, oldest first, by site, programme and status; on the sites a key reaches"
)
async def list_cycles(
    database: DatabaseDep,
    caller: ProductionReader,
    site_id: Filter = None,
    programme_id: Filter = None,
    status: CycleStatus | None = None,
    after: After = None,
    limit: Limit = 50,
) -> Page[CycleOut]:
    found, cursor = await handlers.cycles_page(
        database,
        reach=facility_reach(caller),
        site_id=site_id,
        programme_id=programme_id,
        status=status,
        after=after,
        limit=limit,
    )
    return Page(items=[CycleOut.from_domain(cycle) for cycle in found], next_cursor=cursor)


@router.get(
    "/cycles/{cycle_id}", summary="A production cycle", responses={404: {"description": "No such cycle within reach"}}
)
async def get_cycle(cycle_id: PathId, database: DatabaseDep, caller: ProductionReader) -> CycleOut:
    return CycleOut.from_domain(await handlers.cycle(database, cycle_id, reach=facility_reach(caller)))


class CycleClose(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"closed_on": "2027-04-30"}]})

    closed_on: Day = Field(description="On or after the cycle's start and its last harvest or batch")


@router.post(
    "/cycles/{cycle_id}/close",
    summary="Close a cycle: nothing more is harvested or produced in it",
    responses={404: {"description": "No such cycle within reach"}, 409: {"description": "Already closed"}},
)
async def close_cycle(cycle_id: PathId, body: CycleClose, database: DatabaseDep, caller: ProductionWriter) -> CycleOut:
    closed = await handlers.close_cycle(database, cycle_id, reach=facility_reach(caller), closed_on=body.closed_on)
    return CycleOut.from_domain(closed)
