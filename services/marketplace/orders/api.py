"""HTTP routes for orders: integrators and buyers place and follow their own; officers confirm payment,
fulfil and cancel their facility's. A retried placement with the same `Idempotency-Key` is the same order."""

from datetime import date, datetime, timedelta
from typing import Annotated, Self

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from services.marketplace.callers import OrderManager, OrderPlacer, facility_reach
from services.marketplace.orders import handlers
from services.marketplace.orders.domain import (
    Buyer,
    Fulfilment,
    HoldLimits,
    Order,
    OrderReach,
    OrderStatus,
    PaymentMethod,
    Reservation,
)
from shared.contracts.amounts import ExactDecimal
from shared.http.api_keys import Caller, current_caller, lacking_scope
from shared.http.app import DatabaseDep
from shared.http.bounds import Amount, PastDay
from shared.http.parameters import PathId
from shared.storage.pages import After, Limit, Page

router = APIRouter(tags=["orders"])


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    listing_id: str = Field(min_length=1, max_length=64)
    quantity: Amount = Field(gt=0, description="In the listing's unit; at least its minimum order")


class BuyerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    contact: str = Field(min_length=3, max_length=120, description="Phone or e-mail, for pickup or delivery")


class OrderIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "lines": [{"listing_id": "5aab00f8-e56e-4bcb-9ed1-e85cbe91ef57", "quantity": "2.5"}],
                    "buyer": {"name": "Koperasi Maju Bersama", "contact": "+62 812 0000 0000"},
                }
            ]
        },
    )

    lines: list[LineIn] = Field(min_length=1, max_length=20)
    buyer: BuyerIn


class Payment(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"payment_method": "transfer", "payment_reference": "BRI-0099812", "paid_on": "2026-11-28"}]
        },
    )

    payment_method: PaymentMethod
    payment_reference: str | None = Field(None, min_length=1, max_length=120, description="Transfer or QRIS ref")
    paid_on: PastDay


class Handover(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"fulfilment": "pickup", "fulfilled_on": "2026-11-28"}]}
    )

    fulfilment: Fulfilment
    fulfilled_on: PastDay


class Cancellation(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "pembeli membatalkan"}]})

    reason: str = Field(min_length=1, max_length=200)


class AllocationOut(BaseModel):
    lot_id: str
    quantity: ExactDecimal
    amount: int
    reservation: Reservation = Field(
        description="Production's answer to the hold: pending, reserved, or refused (which cancels the order)"
    )


class LineOut(BaseModel):
    listing_id: str
    quantity: ExactDecimal
    unit: str
    price: int
    amount: int
    lots: list[AllocationOut]


class OrderOut(BaseModel):
    id: str
    facility_id: str
    buyer: BuyerIn
    lines: list[LineOut]
    total: int = Field(description="Rupiah")
    status: OrderStatus
    held_until: datetime
    payment_method: PaymentMethod | None
    payment_reference: str | None
    paid_on: date | None
    fulfilment: Fulfilment | None
    fulfilled_on: date | None
    cancel_reason: str | None
    expired: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_domain(cls, order: Order) -> Self:
        lines = [{**vars(line), "lots": [vars(allocation) for allocation in line.allocations]} for line in order.lines]
        return cls.model_validate({**vars(order), "buyer": vars(order.buyer), "lines": lines, "total": order.total})


async def order_reach(caller: Annotated[Caller, Depends(current_caller)]) -> OrderReach:
    """A key that places or manages orders; 403 for any other."""
    manages = caller.may("orders:manage")
    if not manages and not caller.may("orders:write"):
        detail = "The API key lacks the scope 'orders:write' or 'orders:manage'."
        raise lacking_scope(caller, detail, "orders:write", "orders:manage")
    return _reach(caller)


OrderReachDep = Annotated[OrderReach, Depends(order_reach)]


def _reach(caller: Caller) -> OrderReach:
    return OrderReach(caller.key_id, caller.may("orders:manage"), facility_reach(caller))


@router.post(
    "/orders",
    status_code=201,
    summary="Place an order; its stock is held until `held_until`, then it expires unless paid",
    responses={
        404: {},
        409: {"description": "Out of stock, not published, or more than one key may hold unpaid at once"},
    },
)
async def place_order(body: OrderIn, request: Request, database: DatabaseDep, caller: OrderPlacer) -> OrderOut:
    settings = request.app.state.runtime.settings
    minutes: int = settings.order_hold_minutes
    order = await handlers.place_order(
        database,
        wanted=[(line.listing_id, line.quantity) for line in body.lines],
        buyer=Buyer(body.buyer.name, body.buyer.contact),
        placed_by=caller.key_id,
        hold_for=timedelta(minutes=minutes),
        limits=HoldLimits(settings.order_holds_per_key, settings.order_hold_share_percent),
    )
    return OrderOut.from_domain(order)


@router.get("/orders", summary="Orders the key placed, or (managing orders) its facility's, oldest first")
async def list_orders(
    database: DatabaseDep,
    reach: OrderReachDep,
    status: OrderStatus | None = None,
    after: After = None,
    limit: Limit = 50,
) -> Page[OrderOut]:
    found, cursor = await handlers.orders_page(database, reach, status=status, after=after, limit=limit)
    return Page(items=[OrderOut.from_domain(order) for order in found], next_cursor=cursor)


@router.get("/orders/{order_id}", summary="An order", responses={404: {}})
async def get_order(order_id: PathId, database: DatabaseDep, reach: OrderReachDep) -> OrderOut:
    return OrderOut.from_domain(await handlers.order(database, order_id, reach))


@router.post(
    "/orders/{order_id}/confirm",
    summary="Record the payment of a held order, once production has reserved every lot it holds",
    responses={404: {}, 409: {"description": "Not held, expired, or production has not reserved its lots yet"}},
)
async def confirm_order(order_id: PathId, body: Payment, database: DatabaseDep, caller: OrderManager) -> OrderOut:
    order = await handlers.confirm_order(
        database, order_id, _reach(caller), method=body.payment_method, reference=body.payment_reference,
        paid_on=body.paid_on,
    )  # fmt: skip
    return OrderOut.from_domain(order)


@router.post(
    "/orders/{order_id}/fulfil",
    summary="Hand a paid order over; its lots' sales go to production and the proceeds are settled",
    responses={404: {}},
)
async def fulfil_order(order_id: PathId, body: Handover, database: DatabaseDep, caller: OrderManager) -> OrderOut:
    order = await handlers.fulfil_order(
        database, order_id, _reach(caller), fulfilment=body.fulfilment, on=body.fulfilled_on
    )
    return OrderOut.from_domain(order)


@router.post(
    "/orders/{order_id}/cancel",
    summary="Cancel an order; its stock returns. A buyer cancels only while unpaid",
    responses={404: {}},
)
async def cancel_order(order_id: PathId, body: Cancellation, database: DatabaseDep, reach: OrderReachDep) -> OrderOut:
    return OrderOut.from_domain(await handlers.cancel_order(database, order_id, reach, reason=body.reason))
