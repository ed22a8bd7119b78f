"""The orders collection: each order with its lines and the lots each line took."""

from datetime import date, datetime
from decimal import Decimal

from pymongo import ASCENDING, IndexModel

from services.marketplace.orders.domain import (
    Allocation,
    Buyer,
    Fulfilment,
    Holding,
    Line,
    Order,
    OrderNotFound,
    OrderStatus,
    PaymentMethod,
    Reservation,
)
from shared.storage import pages
from shared.storage.database import Document, ServiceDatabase, Transaction
from shared.storage.migrations import rewrite_documents
from shared.storage.values import amount_of, day_or_none, older_amount, stored_amount, stored_day, stored_day_or_none

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
        "lines": [_line_to_document(line) for line in order.lines],
        "total": order.total,
        "status": order.status.value,
        "held_until": order.held_until,
        "payment_method": order.payment_method.value if order.payment_method else None,
        "payment_reference": order.payment_reference,
        "paid_on": stored_day_or_none(order.paid_on),
        "fulfilment": order.fulfilment.value if order.fulfilment else None,
        "fulfilled_on": stored_day_or_none(order.fulfilled_on),
        "cancel_reason": order.cancel_reason,
        "expired": order.expired,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "version": order.version,
    }


def _line_to_document(line: Line) -> Document:
    return {
        "listing_id": line.listing_id,
        "quantity": stored_amount(line.quantity),
        "unit": line.unit,
        "price": line.price,
        "amount": line.amount,
        "allocations": [
            {
                **vars(allocation),
                "quantity": stored_amount(allocation.quantity),
                "reservation": allocation.reservation.value,
            }
            for allocation in line.allocations
        ],
    }


def from_document(document: Document) -> Order:
    method, fulfilment = document["payment_method"], document["fulfilment"]
    return Order(
        id=document["_id"],
        facility_id=document["facility_id"],
        placed_by=document["placed_by"],
        buyer=Buyer(**document["buyer"]),
        lines=tuple(_line_from_document(line) for line in document["lines"]),
        status=OrderStatus(document["status"]),
        held_until=document["held_until"],
        payment_method=PaymentMethod(method) if method else None,
        payment_reference=document["payment_reference"],
        paid_on=day_or_none(document["paid_on"]),
        fulfilment=Fulfilment(fulfilment) if fulfilment else None,
        fulfilled_on=day_or_none(document["fulfilled_on"]),
        cancel_reason=document["cancel_reason"],
        expired=document["expired"],
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        version=document["version"],
    )


def _line_from_document(document: Document) -> Line:
    allocations = tuple(
        Allocation(
            **{
                **allocation,
                "quantity": amount_of(allocation["quantity"]),
                # orders stored before holds were asked of production have none: theirs sell as before
                "reservation": Reservation(allocation.get("reservation", Reservation.RESERVED.value)),
            }
        )
        for allocation in document["allocations"]
    )
    return Line(
        document["listing_id"],
        amount_of(document["quantity"]),
        document["unit"],
        document["price"],
        document["amount"],
        allocations,
    )


async def save_order(tx: Transaction, order: Order) -> None:
    await tx.save_versioned(ORDERS, to_document(order), listed=True)


async def order(tx: Transaction, order_id: str) -> Order:
    document = await tx.document(ORDERS, order_id)
    if document is None:
        raise OrderNotFound(f"No order {order_id}.", field="order_id")
    return from_document(document)


async def holding(tx: Transaction, placed_by: str) -> Holding:
    """What one key's held (unpaid) orders hold now."""
    query = {"placed_by": placed_by, "status": OrderStatus.HELD.value}
    found = await tx.db[ORDERS].find(query, projection=["lines"], session=tx.session).to_list()
    by_listing: dict[str, Decimal] = {}
    for document in found:
        for line in document["lines"]:
            listing_id = line["listing_id"]
            by_listing[listing_id] = by_listing.get(listing_id, Decimal(0)) + amount_of(line["quantity"])
    return Holding(len(found), by_listing)


async def held_past(tx: Transaction, at: datetime, limit: int) -> list[str]:
    query = {"status": OrderStatus.HELD.value, "held_until": {"$lte": at}}
    found = tx.db[ORDERS].find(query, projection=["_id"], sort=[("held_until", ASCENDING)], limit=limit)
    return [document["_id"] for document in await found.to_list()]


async def orders_page(
    database: ServiceDatabase,
    *,
    placed_by: str | None,
    facility_id: str | None,
    status: OrderStatus | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Order]:
    """Orders placed by one key or (when None) of one facility (all when None too), oldest first."""
    mine = {"placed_by": placed_by} if placed_by is not None else pages.only(facility_id=facility_id)
    query = mine | pages.only(status=status.value if status else None)
    return await pages.page(database.db[ORDERS], query, from_document, after=after, limit=limit)


async def fulfilled_total(tx: Transaction, start: date, end: date, programme_ids: list[str] | None) -> int:
    """What the orders fulfilled from `start` to `end` took for the programmes given (all when None), counted
    from their lots' amounts."""
    days = {"$gte": stored_day(start), "$lte": stored_day(end)}
    fulfilled = tx.db[ORDERS].find({"status": "fulfilled", "fulfilled_on": days}, session=tx.session)
    return sum(
        [
            allocation["amount"]
            async for order in fulfilled
            for line in order["lines"]
            for allocation in line["allocations"]
            if programme_ids is None or allocation["programme_id"] in programme_ids
        ]
    )


async def counts_by_status(database: ServiceDatabase) -> dict[str, int]:
    by_status = [{"$group": {"_id": "$status", "n": {"$sum": 1}}}]
    return {row["_id"]: row["n"] async for row in await database.db[ORDERS].aggregate(by_status)}


async def store_amounts(database: ServiceDatabase) -> None:
    """Orders an earlier version stored with quantities as decimal text, rewritten as Decimal128 (its days were
    midnight already: a BSON date is UTC)."""
    await rewrite_documents(database, ORDERS, {}, _in_todays_form)


def _in_todays_form(document: Document) -> Document:
    lines = [
        {
            **line,
            "quantity": older_amount(line["quantity"]),
            "allocations": [{**each, "quantity": older_amount(each["quantity"])} for each in line["allocations"]],
        }
        for line in document["lines"]
    ]
    return {} if lines == document["lines"] else {"lines": lines}
