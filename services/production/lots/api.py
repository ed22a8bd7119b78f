"""HTTP routes for lots: grading harvests and batches, dispositions, release for sale."""

from datetime import date, datetime
from typing import Any, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.production.callers import ProductionReader, ProductionWriter, facility_reach
from services.production.lots import handlers
from services.production.lots.domain import DispositionKind, Grade, Lot, LotSpec, spec
from services.production.quantities.api import AmountIn, AmountOut
from services.production.quantities.domain import Unit
from shared.http.app import DatabaseDep
from shared.http.bounds import Day
from shared.http.parameters import Filter, PathId
from shared.storage.pages import After, Limit, Page

router = APIRouter(tags=["lots"])
CONFLICT: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such lot within reach"},
    409: {"description": "More than the lot holds, or already released"},
}
CODE_TAKEN: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such harvest or batch within reach"},
    409: {"description": "A lot code is taken, or given twice"},
}


class LotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lot_code: str = Field(min_length=1, max_length=64)
    grade: Grade
    quantity: AmountIn
    unit: Unit
    best_before: Day | None = None


class Grading(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "lots": [
                        {"lot_code": "LELE-0302-A", "grade": "A", "quantity": "30", "unit": "kg"},
                        {"lot_code": "LELE-0302-B", "grade": "B", "quantity": "12.5", "unit": "kg"},
                    ]
                }
            ]
        },
    )

    lots: list[LotIn] = Field(min_length=1, max_length=50)

    def specs(self) -> list[LotSpec]:
        return [spec(lot.lot_code, lot.grade, lot.quantity, lot.unit, lot.best_before) for lot in self.lots]


class DispositionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "distributed",
                    "quantity": "5",
                    "unit": "kg",
                    "on": "2027-03-03",
                    "recipient": "Posyandu Desa Kaserangan",
                }
            ]
        },
    )

    kind: DispositionKind = Field(description="where the quantity goes; reservation_released returns a reservation")
    quantity: AmountIn
    unit: Unit = Field(description="Converted exactly into the lot's unit")
    on: Day
    recipient: str | None = Field(default=None, max_length=200, description="Required for distributions")
    reason: str | None = Field(default=None, max_length=500, description="Required for write-offs")


class DispositionOut(BaseModel):
    kind: DispositionKind = Field(description="where the quantity goes; reservation_released returns a reservation")
    quantity: AmountOut
    on: date
    recipient: str | None
    reason: str | None
    recorded_at: datetime


class LotOut(BaseModel):
    id: str
    lot_code: str
    grade: Grade
    quantity: AmountOut
    unit: Unit
    balance: AmountOut
    reserved: AmountOut = Field(description="set aside and not released; part of what has left the balance")
    best_before: date | None
    source: str
    source_id: str
    cycle_id: str
    programme_id: str
    site_id: str
    commodity: str
    released_for_sale: bool
    dispositions: list[DispositionOut]
    created_at: datetime

    @classmethod
    def from_domain(cls, lot: Lot) -> Self:
        skip = ("quantity", "unit", "balance", "reserved", "dispositions")
        values = {name: getattr(lot, name) for name in cls.model_fields if name not in skip}
        dispositions = [
            DispositionOut(
                kind=d.kind,
                quantity=d.quantity.amount,
                on=d.on,
                recipient=d.recipient,
                reason=d.reason,
                recorded_at=d.recorded_at,
            )
            for d in lot.dispositions
        ]
        amount, unit = lot.quantity.amount, lot.quantity.unit
        return cls(
            **values,
            quantity=amount,
            unit=unit,
            balance=lot.balance,
            reserved=lot.reserved,
            dispositions=dispositions,
        )


@router.post(
    "/harvests/{harvest_id}/lots", status_code=201, summary="Grade part of a harvest into lots", responses=CODE_TAKEN
)
async def grade_harvest(
    harvest_id: PathId, body: Grading, database: DatabaseDep, caller: ProductionWriter
) -> list[LotOut]:
    graded = await handlers.grade_harvest(database, harvest_id, body.specs(), reach=facility_reach(caller))
    return [LotOut.from_domain(lot) for lot in graded]


@router.post(
    "/batches/{batch_id}/lots", status_code=201, summary="Grade part of a batch into lots", responses=CODE_TAKEN
)
async def grade_batch(batch_id: PathId, body: Grading, database: DatabaseDep, caller: ProductionWriter) -> list[LotOut]:
    graded = await handlers.grade_batch(database, batch_id, body.specs(), reach=facility_reach(caller))
    return [LotOut.from_domain(lot) for lot in graded]


@router.get(
    "/lots", summary="Lots, oldest first, by harvest or batch, grade and release for sale; on the sites a key reaches"
)
async def list_lots(
    database: DatabaseDep,
    caller: ProductionReader,
    harvest_id: Filter = None,
    batch_id: Filter = None,
    grade: Grade | None = None,
    released: bool | None = None,
    after: After = None,
    limit: Limit = 50,
) -> Page[LotOut]:
    found, cursor = await handlers.lots_page(
        database,
        reach=facility_reach(caller),
        harvest_id=harvest_id,
        batch_id=batch_id,
        grade=grade,
        released=released,
        after=after,
        limit=limit,
    )
    return Page(items=[LotOut.from_domain(lot) for lot in found], next_cursor=cursor)


@router.get(
    "/lots/{lot_id}",
    summary="A lot, its balance and its dispositions",
    responses={404: {"description": "No such lot within reach"}},
)
async def get_lot(lot_id: PathId, database: DatabaseDep, caller: ProductionReader) -> LotOut:
    return LotOut.from_domain(await handlers.lot(database, lot_id, reach=facility_reach(caller)))


@router.post("/lots/{lot_id}/dispositions", status_code=201, summary="Take from a lot", responses=CONFLICT)
async def dispose(lot_id: PathId, body: DispositionIn, database: DatabaseDep, caller: ProductionWriter) -> LotOut:
    disposed = await handlers.dispose_lot(database, lot_id, reach=facility_reach(caller), **body.model_dump())
    return LotOut.from_domain(disposed)


@router.post("/lots/{lot_id}/release-for-sale", summary="Release a lot's balance for sale", responses=CONFLICT)
async def release_for_sale(lot_id: PathId, database: DatabaseDep, caller: ProductionWriter) -> LotOut:
    return LotOut.from_domain(await handlers.release_for_sale(database, lot_id, reach=facility_reach(caller)))
