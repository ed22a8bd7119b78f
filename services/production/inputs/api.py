"""HTTP routes for inputs received from partner agencies."""

from datetime import date, datetime
from typing import Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.production.callers import ProductionReader, ProductionWriter, facility_reach
from services.production.inputs import handlers
from services.production.inputs.domain import Input, InputKind
from services.production.quantities.api import AmountIn, AmountOut
from services.production.quantities.domain import Unit
from shared.http.app import DatabaseDep
from shared.http.bounds import Day
from shared.http.parameters import Filter
from shared.storage.pages import After, Limit, Page

router = APIRouter(tags=["inputs"])

AGENCY_ID = r"^[a-z0-9][a-z0-9-]*$"


class InputReceipt(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "site_id": "0b7c5a52-1f7e-4c2a-9a55-3f1f1c2a8d10",
                    "agency_id": "dkpp",
                    "kind": "seed",
                    "item": "kangkung seed",
                    "quantity": "2.5",
                    "unit": "kg",
                    "received_on": "2026-12-01",
                },
                {
                    "agency_id": "dinas-perikanan",
                    "kind": "fingerlings",
                    "item": "lele fingerlings 5-7 cm",
                    "quantity": 2000,
                    "unit": "count",
                    "received_on": "2026-12-02",
                },
            ]
        },
    )

    site_id: str | None = Field(default=None, max_length=64, description="The site it went to, when known")
    agency_id: str = Field(max_length=64, pattern=AGENCY_ID, description="The partner agency (OPD), e.g. dkpp")
    kind: InputKind
    item: str = Field(min_length=1, max_length=200)
    quantity: AmountIn = Field(description="Above zero; a number or a numeric string")
    unit: Unit
    received_on: Day


class InputOut(BaseModel):
    id: str
    site_id: str | None
    agency_id: str
    kind: InputKind
    item: str
    quantity: AmountOut
    unit: Unit
    received_on: date
    created_at: datetime

    @classmethod
    def from_domain(cls, received: Input) -> Self:
        return cls(
            id=received.id,
            site_id=received.site_id,
            agency_id=received.agency_id,
            kind=received.kind,
            item=received.item,
            quantity=received.quantity.amount,
            unit=received.quantity.unit,
            received_on=received.received_on,
            created_at=received.created_at,
        )


@router.post(
    "/inputs",
    status_code=201,
    summary="Record an input received from a partner agency",
    responses={
        403: {"description": "A facility officer's key naming no site (`field: site_id`)"},
        404: {"description": "No such site within reach"},
    },
)
async def receive_input(body: InputReceipt, database: DatabaseDep, caller: ProductionWriter) -> InputOut:
    return InputOut.from_domain(
        await handlers.receive_input(database, reach=facility_reach(caller), **body.model_dump())
    )


@router.get("/inputs", summary="Inputs received, oldest first, by agency, site and kind; to the sites a key reaches")
async def list_inputs(
    database: DatabaseDep,
    caller: ProductionReader,
    agency_id: Filter = None,
    site_id: Filter = None,
    kind: InputKind | None = None,
    after: After = None,
    limit: Limit = 50,
) -> Page[InputOut]:
    found, cursor = await handlers.inputs_page(
        database,
        reach=facility_reach(caller),
        agency_id=agency_id,
        site_id=site_id,
        kind=kind,
        after=after,
        limit=limit,
    )
    return Page(items=[InputOut.from_domain(received) for received in found], next_cursor=cursor)
