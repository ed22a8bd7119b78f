"""Orders: held stock for a limited time, then confirmed (paid), fulfilled or cancelled; pure, no I/O.

An order takes listings of one facility, which fulfils it. Each line's stock comes from the listing's lots
(oldest best-before first); the line's amount is divided among those lots to the rupiah. What an order holds of
each lot is asked of production (`marketplace.lot.held`), which reserves it or refuses: an order is paid only once
every hold is reserved, so it is fulfilled and settled only for what production gave up; a refusal cancels it."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, uuid4, uuid5

from services.marketplace.listings import domain as listings
from services.marketplace.listings.domain import Listing, now
from services.marketplace.settlement.domain import rupiah, shares
from shared.contracts.marketplace import (
    LotHeld,
    LotHoldReleased,
    LotSoldToOrder,
    OrderCancelled,
    OrderConfirmed,
    OrderFulfilled,
    OrderLine,
    OrderPlaced,
)
from shared.errors import Conflict, InvalidInput, NotFound
from shared.messaging.registry import EventData


class OrderStatus(StrEnum):
    HELD = "held"
    CONFIRMED = "confirmed"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


class PaymentMethod(StrEnum):
    CASH = "cash"
    TRANSFER = "transfer"
    QRIS = "qris"
    INVOICE = "invoice"


class Fulfilment(StrEnum):
    PICKUP = "pickup"
    DELIVERY = "delivery"


class OrderNotFound(NotFound):
    """No order has this id (or none the caller may see)."""


class MixedFacilities(InvalidInput):
    """An order takes listings of one facility, which fulfils it; listings of another are a second order."""


class RepeatedListing(InvalidInput):
    """An order names each listing once, with the whole quantity."""


class WrongState(Conflict):
    """Held orders are confirmed; confirmed ones fulfilled; held or confirmed ones cancelled."""


class HoldExpired(Conflict):
    """An order unpaid when its hold ran out has expired; its stock went back to the listings."""


class AwaitingProduction(Conflict):
    """An order is paid once production has reserved every lot it holds; that takes a moment after placing."""


class HoldLimitReached(Conflict):
    """One key holds (unpaid) at most so many orders at once, and at most its share of each listing's stock."""


@dataclass(frozen=True)
class HoldLimits:
    """How much one key may hold unpaid at once: orders in all, and a share of each listing's stock."""

    orders_per_key: int
    share_percent: int


@dataclass(frozen=True)
class Holding:
    """What one key holds unpaid now: its held orders, and how much of each listing they hold."""

    orders: int
    by_listing: dict[str, Decimal]


class Reservation(StrEnum):
    """Production's answer to what an order holds of a lot."""

    PENDING = "pending"
    RESERVED = "reserved"
    REFUSED = "refused"


@dataclass(frozen=True)
class Allocation:
    lot_id: str
    programme_id: str
    source_id: str
    quantity: Decimal
    amount: int
    reservation: Reservation = Reservation.RESERVED
    """Orders placed before holds were asked of production hold theirs as reserved, and sell as they did."""


@dataclass(frozen=True)
class Line:
    listing_id: str
    quantity: Decimal
    unit: str
    price: int
    amount: int
    allocations: tuple[Allocation, ...]


@dataclass(frozen=True)
class Buyer:
    """The buyer's own name and contact, for fulfilment; never in an event or a log."""

    name: str
    contact: str


@dataclass(frozen=True)
class Order:
    id: str
    facility_id: str
    placed_by: str
    buyer: Buyer
    lines: tuple[Line, ...]
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
    version: int

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def programme_ids(self) -> list[str]:
        return sorted({a.programme_id for line in self.lines for a in line.allocations})

    @property
    def allocations(self) -> list[tuple[Line, Allocation]]:
        return [(line, allocation) for line in self.lines for allocation in line.allocations]

    @property
    def awaiting(self) -> list[Allocation]:
        """What production has not reserved (yet) of what the order holds."""
        return [each for _, each in self.allocations if each.reservation is not Reservation.RESERVED]

    def sale_id(self, allocation: Allocation) -> str:
        """One hold, and then one sale, per order and lot, the same however often it is told: production
        reserves and accounts it once."""
        return hold_id(self.id, allocation.lot_id)

    def allocation(self, hold_id: str) -> Allocation | None:
        return next((each for _, each in self.allocations if self.sale_id(each) == hold_id), None)


def hold_id(order_id: str, lot_id: str) -> str:
    """The id of what an order holds of a lot, and of its sale."""
    return str(uuid5(NAMESPACE_URL, f"urn:pembinaan:sale:{order_id}:{lot_id}"))


@dataclass(frozen=True)
class OrderReach:
    """Whose orders a key sees: its own (as a buyer or integrator), and, managing orders, its facility's."""

    key_id: str
    manages: bool
    facility_id: str | None

    def sees(self, order: Order) -> bool:
        managed = self.manages and self.facility_id in (None, order.facility_id)
        return managed or order.placed_by == self.key_id


def place(
    *,
    facility_id: str,
    placed_by: str,
    buyer: Buyer,
    wanted: list[tuple[Listing, Decimal]],
    hold_for: timedelta,
    limits: HoldLimits,
    holding: Holding,
) -> tuple[Order, list[Listing]]:
    """An order holding `wanted` (listing, quantity) pairs, and the listings with the stock it holds; within what
    the key (`holding` already) may hold at once."""
    if holding.orders >= limits.orders_per_key:
        raise HoldLimitReached(
            f"This key holds {holding.orders} unpaid orders, the most it may at once; pay or cancel one first.",
            field="lines",
        )
    seen: set[str] = set()
    lines, held = [], []
    for index, (listing, quantity) in enumerate(wanted):
        if listing.id in seen:
            raise RepeatedListing(f"Listing {listing.id} is named twice.", field=f"lines.{index}.listing_id")
        if listing.facility_id != facility_id:
            raise MixedFacilities("An order takes listings of one facility.", field=f"lines.{index}.listing_id")
        seen.add(listing.id)
        after, taken = listings.hold(listing, quantity)
        _within_share(listing, quantity, holding.by_listing.get(listing.id, Decimal(0)), limits, index)
        lines.append(_line(listing, quantity, taken))
        held.append(after)
    at = now()
    order = Order(
        str(uuid4()), facility_id, placed_by, buyer, tuple(lines), OrderStatus.HELD, at + hold_for,
        None, None, None, None, None, None, False, at, at, 1,
    )  # fmt: skip
    return order, held


def _within_share(listing: Listing, quantity: Decimal, mine: Decimal, limits: HoldLimits, index: int) -> None:
    """A key holds unpaid at most its share of what the listing has for it (its stock and what the key holds of
    it), and never less than the minimum order, so the last units can still be bought."""
    cap = max(limits.share_percent * (listing.stock + mine) / 100, listing.minimum_order or Decimal(0))
    if mine + quantity > cap:
        most = f"{format(cap.normalize(), 'f')} {listing.unit}"
        raise HoldLimitReached(
            f"One key holds unpaid at most {limits.share_percent}% of listing {listing.id} ({most}); this key"
            f" holds {format(mine, 'f')} {listing.unit} of it already.",
            field=f"lines.{index}.quantity",
        )


def _line(listing: Listing, quantity: Decimal, taken: list[listings.Held]) -> Line:
    assert listing.price is not None  # a published listing has one
    amount = rupiah(listing.price * quantity)
    amounts = shares(amount, dict(taken))
    allocations = []
    for lot_id, lot_quantity in taken:
        lot = listing.lot(lot_id)
        assert lot is not None
        allocations.append(
            Allocation(lot_id, lot.programme_id, lot.source_id, lot_quantity, amounts[lot_id], Reservation.PENDING)
        )
    return Line(listing.id, quantity, listing.unit, listing.price, amount, tuple(allocations))


def taken_from(order: Order, listing_id: str) -> list[listings.Held]:
    line = next(line for line in order.lines if line.listing_id == listing_id)
    return [(allocation.lot_id, allocation.quantity) for allocation in line.allocations]


def placed(order: Order, agency_ids: list[str]) -> OrderPlaced:
    """What an order placed tells; `agency_ids` are the partner agencies of its programmes."""
    lines = [
        OrderLine(
            listing_id=line.listing_id, quantity=line.quantity, unit=line.unit, price=line.price, amount=line.amount
        )
        for line in order.lines
    ]
    return OrderPlaced(**_mark(order, agency_ids), lines=lines, total=order.total, held_until=order.held_until)


def holds(order: Order) -> list[LotHeld]:
    """What the order asks production to reserve for it, lot by lot."""
    return [
        LotHeld(
            hold_id=order.sale_id(allocation),
            order_id=order.id,
            lot_id=allocation.lot_id,
            quantity=allocation.quantity,
            unit=line.unit,
            held_until=order.held_until,
        )
        for line, allocation in order.allocations
    ]


def reserved(order: Order, hold_id: str) -> Order | None:
    """The order with production's reservation of one hold; None when it changes nothing (answered already, or
    the order is no longer held: its release is on its way to production)."""
    allocation = order.allocation(hold_id)
    if allocation is None or allocation.reservation is not Reservation.PENDING:
        return None
    if order.status is not OrderStatus.HELD:
        return None
    return _answered(order, hold_id, Reservation.RESERVED)


def refused(order: Order, hold_id: str, agency_ids: list[str]) -> tuple[Order, list[EventData]] | None:
    """Production refused one hold: a held order is cancelled, its other holds released; None when it changes
    nothing (answered already, or the order is no longer held)."""
    allocation = order.allocation(hold_id)
    if allocation is None or allocation.reservation is not Reservation.PENDING:
        return None
    if order.status is not OrderStatus.HELD:
        return None
    answered = _answered(order, hold_id, Reservation.REFUSED)
    cancelled = replace(
        answered, status=OrderStatus.CANCELLED, cancel_reason="production could not reserve a lot it holds"
    )
    after, told = _cancelled(cancelled, agency_ids)
    return after, [told, *_released(after, "refused")]


def _answered(order: Order, hold_id: str, answer: Reservation) -> Order:
    lines = tuple(
        replace(
            line,
            allocations=tuple(
                replace(each, reservation=answer) if order.sale_id(each) == hold_id else each
                for each in line.allocations
            ),
        )
        for line in order.lines
    )
    return _changed(order, lines=lines)


def _released(order: Order, reason: str) -> list[LotHoldReleased]:
    """What production is to return of the order's holds: every one it did not refuse."""
    return [
        LotHoldReleased(hold_id=order.sale_id(each), order_id=order.id, lot_id=each.lot_id, reason=reason)
        for _, each in order.allocations
        if each.reservation is not Reservation.REFUSED
    ]


def confirm(
    order: Order, *, method: PaymentMethod, reference: str | None, paid_on: date, agency_ids: list[str]
) -> tuple[Order, OrderConfirmed]:
    _expect(order, OrderStatus.HELD, "confirmed")
    if order.held_until <= now():
        raise HoldExpired(f"Order {order.id} expired unpaid at {order.held_until.isoformat()}.", field="order_id")
    if order.awaiting:
        waiting = ", ".join(sorted({each.lot_id for each in order.awaiting}))
        raise AwaitingProduction(f"Production has not reserved lot {waiting} yet; try again shortly.", field="status")
    confirmed = _changed(
        order, status=OrderStatus.CONFIRMED, payment_method=method, payment_reference=reference, paid_on=paid_on
    )
    told = OrderConfirmed(**_mark(order, agency_ids), payment_method=method.value, paid_on=paid_on, total=order.total)
    return confirmed, told


def fulfil(
    order: Order, *, fulfilment: Fulfilment, on: date, agency_ids: list[str]
) -> tuple[Order, OrderFulfilled, list[LotSoldToOrder]]:
    """The order fulfilled, and each lot's part of it (reserved by production before it was paid) as a sale for
    production to account."""
    _expect(order, OrderStatus.CONFIRMED, "fulfilled")
    assert not order.awaiting  # confirmed only once every hold was reserved
    fulfilled = _changed(order, status=OrderStatus.FULFILLED, fulfilment=fulfilment, fulfilled_on=on)
    told = OrderFulfilled(**_mark(order, agency_ids), fulfilment=fulfilment.value, fulfilled_on=on)
    sales = [
        LotSoldToOrder(
            sale_id=order.sale_id(taken),
            order_id=order.id,
            lot_id=taken.lot_id,
            quantity=taken.quantity,
            unit=line.unit,
            sold_on=on,
        )
        for line, taken in order.allocations
    ]
    return fulfilled, told, sales


def cancel(order: Order, *, reason: str, reach: OrderReach, agency_ids: list[str]) -> tuple[Order, list[EventData]]:
    """A buyer cancels an order only while it is unpaid; a manager, held or confirmed ones. Production is told
    to return what it reserved for the order."""
    if not reach.manages and order.status is not OrderStatus.HELD:
        raise WrongState("A buyer cancels an order only while it is unpaid.", field="status")
    if order.status not in (OrderStatus.HELD, OrderStatus.CONFIRMED):
        raise WrongState(f"A {order.status.value} order cannot be cancelled.", field="status")
    after, told = _cancelled(_changed(order, status=OrderStatus.CANCELLED, cancel_reason=reason), agency_ids)
    return after, [told, *_released(after, "cancelled")]


def due(order: Order, at: datetime) -> bool:
    """Still held past its hold: the order expires."""
    return order.status is OrderStatus.HELD and order.held_until <= at


def expire(order: Order, at: datetime, agency_ids: list[str]) -> tuple[Order, list[EventData]] | None:
    """The order expired, when it is still held past its hold (its holds released in production); None
    otherwise."""
    if not due(order, at):
        return None
    expired = _changed(order, status=OrderStatus.CANCELLED, cancel_reason="expired unpaid", expired=True)
    after, told = _cancelled(expired, agency_ids)
    return after, [told, *_released(after, "expired")]


def _cancelled(order: Order, agency_ids: list[str]) -> tuple[Order, OrderCancelled]:
    told = OrderCancelled(
        **_mark(order, agency_ids),
        reason=order.cancel_reason or "",
        expired=order.expired,
        cancelled_at=order.updated_at,
    )
    return order, told


def _mark(order: Order, agency_ids: list[str]) -> dict[str, Any]:
    """Which facility, programmes and agencies an order concerns, for subscribers to route it by."""
    return {
        "order_id": order.id,
        "facility_ids": [order.facility_id],
        "programme_ids": order.programme_ids,
        "agency_ids": agency_ids,
    }


def _expect(order: Order, status: OrderStatus, becoming: str) -> None:
    if order.status is not status:
        raise WrongState(f"A {order.status.value} order cannot be {becoming}.", field="status")


def _changed(order: Order, **changes: object) -> Order:
    return replace(order, **changes, updated_at=now(), version=order.version + 1)  # type: ignore[arg-type]
