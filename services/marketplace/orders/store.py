"""The orders collection: each order with its lines and the lots each line took."""

from datetime import date, datetime
from decimal import Decimal

from pymongo import ASCENDING, IndexModel

from services.marketplace.orders.domain import (
    Allocation,
    Buyer,
    Fulfilment,
    Line,
    Order,
    OrderNotFound,
    OrderStatus,
    PaymentMethod,
)
from shared.storage import pages
from shared.storage.database import Document, Transaction

ORDERS = "orders"

LISTED = {ORDERS: "created_at"}

INDEXES = {
    ORDERS: [
        IndexModel([("status", ASCENDING), ("held_until", ASCENDING)], name="held_by_expiry"),
        pages.index_in_order("by_placer", "placed_by"),
        pages.index_in_order("by_facility", "facility_id"),
        pages.index_in_order("in_order"),
        IndexModel([("status", ASCENDING), ("fulfilled_on", ASCENDING)], name="fulfilled_by_day"),
    ]
}


def to_document(order: Order) -> Document:
    return {
        "_id": order.id,
        "facility_id": order.facility_id,
        "placed_by": order.placed_by,
        "buyer": {"name": order.buyer.name, "contact": order.buyer.contact},
        "lines": [_line_document(line) for line in order.lines],
        "total": order.total,
        "status": order.status.value,
        "held_until": order.held_until,
        "payment_method": order.payment_method.value if order.payment_method else None,
        "payment_reference": order.payment_reference,
        "paid_on": _day(order.paid_on),
        "fulfilment": order.fulfilment.value if order.fulfilment else None,
        "fulfilled_on": _day(order.fulfilled_on),
        "cancel_reason": order.cancel_reason,
        "expired": order.expired,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "version": order.version,
    }


def _day(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day)


def _line_document(line: Line) -> Document:
    return {
        "listing_id": line.listing_id,
        "quantity": format(line.quantity, "f"),
        "unit": line.unit,
        "price": line.price,
        "amount": line.amount,
        "allocations": [
            {**vars(allocation), "quantity": format(allocation.quantity, "f")} for allocation in line.allocations
        ],
    }


def from_document(document: Document) -> Order:
    method, fulfilment = document["payment_method"], document["fulfilment"]
    return Order(
        id=document["_id"],
        facility_id=document["facility_id"],
        placed_by=document["placed_by"],
        buyer=Buyer(**document["buyer"]),
        lines=tuple(_line(line) for line in document["lines"]),
        status=OrderStatus(document["status"]),
        held_until=document["held_until"],
        payment_method=PaymentMethod(method) if method else None,
        payment_reference=document["payment_reference"],
        paid_on=document["paid_on"].date() if document["paid_on"] else None,
        fulfilment=Fulfilment(fulfilment) if fulfilment else None,
        fulfilled_on=document["fulfilled_on"].date() if document["fulfilled_on"] else None,
        cancel_reason=document["cancel_reason"],
        expired=document["expired"],
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        version=document["version"],
    )


def _line(document: Document) -> Line:
    allocations = tuple(
        Allocation(**{**allocation, "quantity": Decimal(allocation["quantity"])})
        for allocation in document["allocations"]
    )
    return Line(
        document["listing_id"],
        Decimal(document["quantity"]),
        document["unit"],
        document["price"],
        document["amount"],
        allocations,
    )


async def save_order(tx: Transaction, order: Order) -> None:
    await tx.save_versioned(ORDERS, to_document(order), listed=True)


async def order(tx: Transaction, order_id: str) -> Order:
    document = await tx.db[ORDERS].find_one({"_id": order_id}, session=tx.session)
    if document is None:
        raise OrderNotFound(f"No order {order_id}.", field="order_id")
    return from_document(document)


async def held_past(tx: Transaction, at: datetime, limit: int) -> list[str]:
    query = {"status": OrderStatus.HELD.value, "held_until": {"$lte": at}}
    found = tx.db[ORDERS].find(query, projection=["_id"], sort=[("held_until", ASCENDING)], limit=limit)
    return [document["_id"] for document in await found.to_list()]
