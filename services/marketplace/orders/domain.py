"""Orders: held stock for a limited time, then confirmed (paid), fulfilled or cancelled; pure, no I/O.

An order takes listings of one facility, which fulfils it. Each line's stock comes from the listing's lots
(oldest best-before first); the line's amount is divided among those lots to the rupiah."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from uuid import NAMESPACE_URL, uuid4, uuid5

from services.marketplace.listings import stock as listings
from services.marketplace.listings.domain import Listing, now
from services.marketplace.settlement.money import rupiah, shares
from shared.errors import Conflict, InvalidInput, NotFound


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


@dataclass(frozen=True)
class Allocation:
    lot_id: str
    programme_id: str
    source_id: str
    quantity: Decimal
    amount: int


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

    def sale_id(self, allocation: Allocation) -> str:
        """One sale per order and lot, the same however often it is told: production accounts it once."""
        return str(uuid5(NAMESPACE_URL, f"urn:pembinaan:sale:{self.id}:{allocation.lot_id}"))


def place(
    *, facility_id: str, placed_by: str, buyer: Buyer, wanted: list[tuple[Listing, Decimal]], hold_for: timedelta
) -> tuple[Order, list[Listing]]:
    """An order holding `wanted` (listing, quantity) pairs, and the listings with the stock it holds."""
    seen: set[str] = set()
    lines, held = [], []
    for index, (listing, quantity) in enumerate(wanted):
        if listing.id in seen:
            raise RepeatedListing(f"Listing {listing.id} is named twice.", field=f"lines.{index}.listing_id")
        if listing.facility_id != facility_id:
            raise MixedFacilities("An order takes listings of one facility.", field=f"lines.{index}.listing_id")
        seen.add(listing.id)
        after, taken = listings.hold(listing, quantity)
        lines.append(_line(listing, quantity, taken))
        held.append(after)
    at = now()
    order = Order(
        str(uuid4()), facility_id, placed_by, buyer, tuple(lines), OrderStatus.HELD, at + hold_for,
        None, None, None, None, None, None, False, at, at, 1,
    )  # fmt: skip
    return order, held


def _line(listing: Listing, quantity: Decimal, taken: list[listings.Allocation]) -> Line:
    assert listing.price is not None  # a published listing has one
    amount = rupiah(listing.price * quantity)
    amounts = shares(amount, dict(taken))
    allocations = []
    for lot_id, lot_quantity in taken:
        lot = listing.lot(lot_id)
        assert lot is not None
        allocations.append(Allocation(lot_id, lot.programme_id, lot.source_id, lot_quantity, amounts[lot_id]))
    return Line(listing.id, quantity, listing.unit, listing.price, amount, tuple(allocations))


def taken_from(order: Order, listing_id: str) -> list[listings.Allocation]:
    line = next(line for line in order.lines if line.listing_id == listing_id)
    return [(allocation.lot_id, allocation.quantity) for allocation in line.allocations]


def confirm(order: Order, *, method: PaymentMethod, reference: str | None, paid_on: date) -> Order:
    _expect(order, OrderStatus.HELD, "confirmed")
    if order.held_until <= now():
        raise HoldExpired(f"Order {order.id} expired unpaid at {order.held_until.isoformat()}.", field="order_id")
    return _changed(
        order, status=OrderStatus.CONFIRMED, payment_method=method, payment_reference=reference, paid_on=paid_on
    )


def fulfil(order: Order, *, fulfilment: Fulfilment, on: date) -> Order:
    _expect(order, OrderStatus.CONFIRMED, "fulfilled")
    return _changed(order, status=OrderStatus.FULFILLED, fulfilment=fulfilment, fulfilled_on=on)


def cancel(order: Order, *, reason: str) -> Order:
    if order.status not in (OrderStatus.HELD, OrderStatus.CONFIRMED):
        raise WrongState(f"A {order.status.value} order cannot be cancelled.", field="status")
    return _changed(order, status=OrderStatus.CANCELLED, cancel_reason=reason)


def expire(order: Order, at: datetime) -> Order | None:
    """The order expired, when it is still held past its hold; None otherwise."""
    if order.status is not OrderStatus.HELD or order.held_until > at:
        return None
    return _changed(order, status=OrderStatus.CANCELLED, cancel_reason="expired unpaid", expired=True)


def _expect(order: Order, status: OrderStatus, becoming: str) -> None:
    if order.status is not status:
        raise WrongState(f"A {order.status.value} order cannot be {becoming}.", field="status")


def _changed(order: Order, **changes: object) -> Order:
    return replace(order, **changes, updated_at=now(), version=order.version + 1)  # type: ignore[arg-type]
