"""Use cases of orders: place (holding stock), confirm, fulfil (selling the lots and settling), cancel, expire."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from services.marketplace.listings import stock as listings
from services.marketplace.listings import store as listing_store
from services.marketplace.listings.changes import save_change
from services.marketplace.listings.queues import QUEUES
from services.marketplace.orders import domain, store
from services.marketplace.orders.domain import Buyer, Fulfilment, Order, OrderNotFound, PaymentMethod
from services.marketplace.programmes import store as programmes
from services.marketplace.settlement.handlers import settle_order
from shared.contracts.marketplace import (
    LotSold,
    OrderCancelled,
    OrderConfirmed,
    OrderFulfilled,
    OrderLine,
    OrderPlaced,
)
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


@dataclass(frozen=True)
class Reach:
    """Whose orders a key sees: its own (as a buyer or integrator), and, managing orders, its facility's."""

    key_id: str
    manages: bool
    facility_id: str | None

    def sees(self, order: Order) -> bool:
        managed = self.manages and self.facility_id in (None, order.facility_id)
        return managed or order.placed_by == self.key_id


async def place(
    database: ServiceDatabase, *, wanted: list[tuple[str, Decimal]], buyer: Buyer, placed_by: str, hold_for: timedelta
) -> Order:
    async def work(tx: Transaction) -> Order:
        found = [(await listing_store.listing(tx, listing_id), quantity) for listing_id, quantity in wanted]
        facility_id = found[0][0][0].facility_id
        order, held = domain.place(
            facility_id=facility_id,
            placed_by=placed_by,
            buyer=buyer,
            wanted=[(listing, quantity) for (listing, _), quantity in found],
            hold_for=hold_for,
        )
        for ((before, was), _), after in zip(found, held, strict=True):
            await save_change(tx, before, was, after)
        await store.save_order(tx, order)
        await tx.publish(await _placed(tx, order), subject=order.id, sequence=order.version)
        return order

    async with QUEUES.turn(listing_id for listing_id, _ in wanted):
        return await database.transaction(work)


async def confirm(
    database: ServiceDatabase,
    order_id: str,
    reach: Reach,
    *,
    method: PaymentMethod,
    reference: str | None,
    paid_on: date,
) -> Order:
    async def work(tx: Transaction) -> Order:
        order = domain.confirm(await _seen(tx, order_id, reach), method=method, reference=reference, paid_on=paid_on)
        await store.save_order(tx, order)
        confirmed = OrderConfirmed(
            **await _mark(tx, order), payment_method=method.value, paid_on=paid_on, total=order.total
        )
        await tx.publish(confirmed, subject=order.id, sequence=order.version)
        return order

    return await database.transaction(work)


async def fulfil(database: ServiceDatabase, order_id: str, reach: Reach, *, fulfilment: Fulfilment, on: date) -> Order:
    """The order fulfilled, each lot's part of it told to production as a sale, and the proceeds settled."""

    async def work(tx: Transaction) -> Order:
        order = domain.fulfil(await _seen(tx, order_id, reach), fulfilment=fulfilment, on=on)
        await _move_stock(tx, order, listings.sell)
        await store.save_order(tx, order)
        await tx.publish(
            OrderFulfilled(**await _mark(tx, order), fulfilment=fulfilment.value, fulfilled_on=on),
            subject=order.id,
            sequence=order.version,
        )
        for line in order.lines:
            for taken in line.allocations:
                sold = LotSold(
                    sale_id=order.sale_id(taken),
                    lot_id=taken.lot_id,
                    quantity=taken.quantity,
                    unit=line.unit,
                    sold_on=on,
                )
                await tx.publish(sold, subject=taken.lot_id, sequence=order.version)
        await settle_order(tx, order, on)
        return order

    return await database.transaction(work)


async def cancel(database: ServiceDatabase, order_id: str, reach: Reach, *, reason: str) -> Order:
    async def work(tx: Transaction) -> Order:
        order = await _seen(tx, order_id, reach)
        if not reach.manages and order.status is not domain.OrderStatus.HELD:
            raise domain.WrongState("A buyer cancels an order only while it is unpaid.", field="status")
        return await _cancelled(tx, domain.cancel(order, reason=reason))

    return await database.transaction(work)


async def expire_due(database: ServiceDatabase, *, at: datetime, limit: int = 100) -> int:
    """Cancel the orders still held past their hold; how many expired."""
    due = await database.read(lambda tx: store.held_past(tx, at, limit))
    expired = 0
    for order_id in due:

        async def work(tx: Transaction, order_id: str = order_id) -> bool:
            order = domain.expire(await store.order(tx, order_id), at)
            if order is not None:
                await _cancelled(tx, order)
            return order is not None

        expired += await database.transaction(work)
    return expired


async def _cancelled(tx: Transaction, order: Order) -> Order:
    await _move_stock(tx, order, listings.release)
    await store.save_order(tx, order)
    told = OrderCancelled(
        **await _mark(tx, order), reason=order.cancel_reason or "", expired=order.expired, cancelled_at=order.updated_at
    )
    await tx.publish(told, subject=order.id, sequence=order.version)
    return order


async def _move_stock(tx: Transaction, order: Order, move: listings.Move) -> None:
    for line in order.lines:
        before, was = await listing_store.listing(tx, line.listing_id)
        await save_change(tx, before, was, move(before, domain.taken_from(order, line.listing_id)))


async def _seen(tx: Transaction, order_id: str, reach: Reach) -> Order:
    order = await store.order(tx, order_id)
    if not reach.sees(order):
        raise OrderNotFound(f"No order {order_id}.", field="order_id")
    return order


async def order(database: ServiceDatabase, order_id: str, reach: Reach) -> Order:
    return await database.read(lambda tx: _seen(tx, order_id, reach))


async def orders_page(
    database: ServiceDatabase, reach: Reach, *, status: domain.OrderStatus | None, after: str | None, limit: int
) -> pages.Listing[Order]:
    mine = {"placed_by": reach.key_id} if not reach.manages else pages.only(facility_id=reach.facility_id)
    query = mine | pages.only(status=status.value if status else None)
    return await pages.page(database.db[store.ORDERS], query, store.from_document, after=after, limit=limit)


async def _mark(tx: Transaction, order: Order) -> dict[str, Any]:
    """Which facility, programmes and agencies an order concerns, for subscribers to route it by."""
    known = await programmes.programmes(tx, order.programme_ids)
    return {
        "order_id": order.id,
        "facility_ids": [order.facility_id],
        "programme_ids": order.programme_ids,
        "agency_ids": sorted({programme.agency_id for programme in known.values()}),
    }


async def _placed(tx: Transaction, order: Order) -> OrderPlaced:
    lines = [
        OrderLine(
            listing_id=line.listing_id, quantity=line.quantity, unit=line.unit, price=line.price, amount=line.amount
        )
        for line in order.lines
    ]
    return OrderPlaced(**await _mark(tx, order), lines=lines, total=order.total, held_until=order.held_until)
