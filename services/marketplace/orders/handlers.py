"""Use cases of orders: place (holding stock, and asking production to reserve it), confirm, fulfil (selling the
lots and settling), cancel, expire; and production's answers to holds (reserved, or refused: the order cancelled).

Orders for one listing all write its document; run at once they conflict, and all but one are run again, over
and over, while the stock lasts. So orders of this process take their listings' turns one after another
(`ListingQueues`): each runs once (another replica's orders still conflict and are run again, which keeps them
right; the queues only spare this process the wasted attempts)."""

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from weakref import WeakValueDictionary

from services.marketplace.listings import domain as listings
from services.marketplace.listings import handlers as listing_handlers
from services.marketplace.listings import store as listing_store
from services.marketplace.orders import domain, store
from services.marketplace.orders.domain import (
    Buyer,
    Fulfilment,
    HoldLimits,
    Order,
    OrderNotFound,
    OrderReach,
    OrderStatus,
    PaymentMethod,
)
from services.marketplace.programmes import store as programmes
from services.marketplace.settlement.handlers import settle_order
from shared.contracts.production import LotHoldAccepted, LotHoldRefused
from shared.messaging.consumer import Unprocessable
from shared.messaging.envelope import Envelope
from shared.messaging.registry import EventData
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


class ListingQueues:
    def __init__(self) -> None:
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    @asynccontextmanager
    async def turn(self, listing_ids: Iterable[str]) -> AsyncIterator[None]:
        """Wait for the turn of every listing named, taken in one order so two orders never wait on each other."""
        async with AsyncExitStack() as held:
            locks = [self._lock(listing_id) for listing_id in sorted(set(listing_ids))]
            for lock in locks:
                await held.enter_async_context(lock)
            yield

    def _lock(self, listing_id: str) -> asyncio.Lock:
        lock = self._locks.get(listing_id)
        if lock is None:
            lock = self._locks[listing_id] = asyncio.Lock()
        return lock


QUEUES = ListingQueues()


async def place_order(
    database: ServiceDatabase,
    *,
    wanted: list[tuple[str, Decimal]],
    buyer: Buyer,
    placed_by: str,
    hold_for: timedelta,
    limits: HoldLimits,
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
            limits=limits,
            holding=await store.holding(tx, placed_by),
        )
        for ((before, was), _), after in zip(found, held, strict=True):
            await listing_handlers.save_change(tx, before, was, after)
        await store.save_order(tx, order)
        placed = domain.placed(order, await _agencies(tx, order))
        for event in (placed, *domain.holds(order)):
            await tx.publish(event, subject=order.id, sequence=order.version)
        return order

    async with QUEUES.turn(listing_id for listing_id, _ in wanted):
        return await database.transaction(work)


async def confirm_order(
    database: ServiceDatabase,
    order_id: str,
    reach: OrderReach,
    *,
    method: PaymentMethod,
    reference: str | None,
    paid_on: date,
) -> Order:
    async def work(tx: Transaction) -> Order:
        seen = await _seen(tx, order_id, reach)
        order, confirmed = domain.confirm(
            seen, method=method, reference=reference, paid_on=paid_on, agency_ids=await _agencies(tx, seen)
        )
        await store.save_order(tx, order)
        await tx.publish(confirmed, subject=order.id, sequence=order.version)
        return order

    return await database.transaction(work)


async def fulfil_order(
    database: ServiceDatabase, order_id: str, reach: OrderReach, *, fulfilment: Fulfilment, on: date
) -> Order:
    """The order fulfilled, each lot's part of it told to production as a sale, and the proceeds settled."""

    async def work(tx: Transaction) -> Order:
        seen = await _seen(tx, order_id, reach)
        order, fulfilled, sales = domain.fulfil(
            seen, fulfilment=fulfilment, on=on, agency_ids=await _agencies(tx, seen)
        )
        await _move_stock(tx, order, listings.sell)
        await store.save_order(tx, order)
        await tx.publish(fulfilled, subject=order.id, sequence=order.version)
        for sale in sales:  # the order's events, at its version; each names its lot
            await tx.publish(sale, subject=order.id, sequence=order.version)
        await settle_order(tx, order, on)
        return order

    return await database.transaction(work)


async def cancel_order(database: ServiceDatabase, order_id: str, reach: OrderReach, *, reason: str) -> Order:
    async def work(tx: Transaction) -> Order:
        seen = await _seen(tx, order_id, reach)
        order, told = domain.cancel(seen, reason=reason, reach=reach, agency_ids=await _agencies(tx, seen))
        return await _cancel(tx, order, told)

    return await database.transaction(work)


async def expire_due(database: ServiceDatabase, *, at: datetime, limit: int = 100) -> int:
    """Cancel the orders still held past their hold; how many expired."""
    due = await database.read(lambda tx: store.held_past(tx, at, limit))
    expired = 0
    for order_id in due:

        async def work(tx: Transaction, order_id: str = order_id) -> bool:
            order = await store.order(tx, order_id)
            if not domain.due(order, at):
                return False
            done = domain.expire(order, at, await _agencies(tx, order))
            assert done is not None  # due
            await _cancel(tx, *done)
            return True

        expired += await database.transaction(work)
    return expired


async def _cancel(tx: Transaction, order: Order, told: list[EventData]) -> Order:
    """The order cancelled: its stock returns to the listings, and production is told to return its holds."""
    await _move_stock(tx, order, listings.release)
    await store.save_order(tx, order)
    for event in told:
        await tx.publish(event, subject=order.id, sequence=order.version)
    return order


async def learn_reservation(tx: Transaction, envelope: Envelope, payload: LotHoldAccepted) -> None:
    """Production reserved what the order holds of a lot: once all are, the order can be paid."""
    order = domain.reserved(await _answered_order(tx, payload.order_id), payload.hold_id)
    if order is not None:
        await store.save_order(tx, order)


async def cancel_refused(tx: Transaction, envelope: Envelope, payload: LotHoldRefused) -> None:
    """Production refused what the order holds of a lot: the order is cancelled, its stock and holds returned."""
    held = await _answered_order(tx, payload.order_id)
    done = domain.refused(held, payload.hold_id, await _agencies(tx, held))
    if done is not None:
        await _cancel(tx, *done)


async def _answered_order(tx: Transaction, order_id: str) -> Order:
    try:
        return await store.order(tx, order_id)
    except OrderNotFound:
        raise Unprocessable(f"a hold of order {order_id}, which is not known") from None


async def _move_stock(tx: Transaction, order: Order, move: listings.Move) -> None:
    for line in order.lines:
        before, was = await listing_store.listing(tx, line.listing_id)
        await listing_handlers.save_change(tx, before, was, move(before, domain.taken_from(order, line.listing_id)))


async def _seen(tx: Transaction, order_id: str, reach: OrderReach) -> Order:
    order = await store.order(tx, order_id)
    if not reach.sees(order):
        raise OrderNotFound(f"No order {order_id}.", field="order_id")
    return order


async def _agencies(tx: Transaction, order: Order) -> list[str]:
    """The partner agencies of the order's programmes, as far as learnt."""
    known = await programmes.programmes(tx, order.programme_ids)
    return sorted({programme.agency_id for programme in known.values()})


async def order(database: ServiceDatabase, order_id: str, reach: OrderReach) -> Order:
    return await database.read(lambda tx: _seen(tx, order_id, reach))


async def orders_page(
    database: ServiceDatabase, reach: OrderReach, *, status: OrderStatus | None, after: str | None, limit: int
) -> pages.Listing[Order]:
    placed_by = None if reach.manages else reach.key_id
    facility_id = reach.facility_id if reach.manages else None
    return await store.orders_page(
        database, placed_by=placed_by, facility_id=facility_id, status=status, after=after, limit=limit
    )
