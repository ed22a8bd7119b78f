"""Lots graded from harvests and batches; never more leaves a lot, by disposition, hold or sale, than it holds;
pure. What a marketplace order holds of a lot is reserved here (or refused) before the order can be paid, so
production never disposes of what the marketplace sells, and the marketplace sells only what production gave up."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar
from uuid import uuid4

from services.production.batches.domain import Batch
from services.production.harvests.domain import Harvest
from services.production.quantities.domain import Quantity, Unit, now, quantity
from shared.contracts.marketplace import LotHeld, LotHoldReleased, LotSold, LotSoldToOrder
from shared.contracts.production import (
    LotDisposed,
    LotDistributed,
    LotGraded,
    LotHoldAccepted,
    LotHoldRefused,
    LotReleasedForSale,
    LotWrittenOff,
)
from shared.errors import Conflict, DomainError, InvalidInput, NotFound


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class DispositionKind(StrEnum):
    SOLD = "sold"
    RESERVED = "reserved"
    RESERVATION_RELEASED = "reservation_released"
    DISTRIBUTED = "distributed"
    KITCHEN = "kitchen"
    WRITTEN_OFF = "written_off"


class OverGraded(InvalidInput):
    """The lots graded from a harvest or a batch hold no more than it yielded."""


class OverBalance(Conflict):
    """A disposition takes no more than the lot still holds."""


class OverReleased(Conflict):
    """A reservation released returns no more than is still reserved."""


class MissingDetail(InvalidInput):
    """A distribution names its recipient; a write-off its reason."""


class AlreadyReleased(Conflict):
    """A lot is released for sale once, while it holds something."""


class LotNotFound(NotFound):
    """No lot has this id."""


class DuplicateLotCode(Conflict):
    """Lot codes are unique: each names one lot."""


class NotForSale(Conflict):
    """Only a lot released for sale can be sold."""


class NotReserved(Conflict):
    """A marketplace order sells only what production reserved for its hold (and has not released)."""


class HoldState(StrEnum):
    RESERVED = "reserved"
    REFUSED = "refused"
    RELEASED = "released"
    SOLD = "sold"


@dataclass(frozen=True)
class OrderHold:
    """What a marketplace order holds of the lot, and production's answer; reserved, it has left the balance."""

    hold_id: str
    order_id: str
    quantity: Decimal
    """In the lot's unit; zero when refused."""
    state: HoldState
    answered_at: datetime


@dataclass(frozen=True)
class LotSpec:
    """One lot to grade: its code, grade, quantity and best-before."""

    lot_code: str
    grade: Grade
    quantity: Quantity
    best_before: date | None = None


@dataclass(frozen=True)
class Disposition:
    kind: DispositionKind
    quantity: Quantity
    on: date
    recipient: str | None
    reason: str | None
    recorded_at: datetime
    sale_id: str | None = None


@dataclass(frozen=True)
class Lot:
    id: str
    lot_code: str
    grade: Grade
    quantity: Quantity
    best_before: date | None
    source: str
    source_id: str
    cycle_id: str
    programme_id: str
    site_id: str
    commodity: str
    dispositions: tuple[Disposition, ...]
    released_for_sale: bool
    created_at: datetime
    version: int
    holds: tuple[OrderHold, ...] = ()

    @property
    def balance(self) -> Decimal:
        """What the lot still holds for anything: reservations released come back to it, and what marketplace
        orders hold is reserved for them."""
        taken = sum((_signed(moved) for moved in self.dispositions), Decimal(0))
        return self.quantity.amount - taken - self.held_for_orders

    @property
    def held_for_orders(self) -> Decimal:
        """What production reserved for marketplace orders that are neither sold nor released yet."""
        return sum((hold.quantity for hold in self.holds if hold.state is HoldState.RESERVED), Decimal(0))

    def hold(self, hold_id: str) -> OrderHold | None:
        return next((hold for hold in self.holds if hold.hold_id == hold_id), None)

    @property
    def reserved(self) -> Decimal:
        """What is set aside and not released yet."""
        kept = {DispositionKind.RESERVED: 1, DispositionKind.RESERVATION_RELEASED: -1}
        return sum((kept.get(d.kind, 0) * d.quantity.amount for d in self.dispositions), Decimal(0))


def _signed(moved: Disposition) -> Decimal:
    returned = moved.kind is DispositionKind.RESERVATION_RELEASED
    return -moved.quantity.amount if returned else moved.quantity.amount


Source = TypeVar("Source", Harvest, Batch)
"""What lots are graded from: a harvest or a batch, given back as the same kind."""


def yielded(source: Harvest | Batch) -> Quantity:
    return source.quantity if isinstance(source, Harvest) else Quantity(Decimal(source.units), Unit.UNITS)


def grade(source: Source, specs: list[LotSpec]) -> tuple[Source, list[Lot], list[LotGraded]]:
    """Lots from `source`, whose graded total (converted exactly into its unit) grows by theirs."""
    total = yielded(source)
    adding = sum((spec.quantity.to(total.unit).amount for spec in specs), Decimal(0))
    if source.graded + adding > total.amount:
        left = format(total.amount - source.graded, "f")
        raise OverGraded(f"Only {left} {total.unit.value} is left to grade.", field="lots")
    lots = [_lot(source, spec) for spec in specs]
    graded = replace(source, graded=source.graded + adding, version=source.version + 1)
    return graded, lots, [_graded(lot) for lot in lots]


def _lot(source: Harvest | Batch, spec: LotSpec) -> Lot:
    kind, commodity = ("harvest", source.commodity) if isinstance(source, Harvest) else ("batch", source.product)
    return Lot(
        str(uuid4()),
        spec.lot_code,
        spec.grade,
        spec.quantity,
        spec.best_before,
        kind,
        source.id,
        source.cycle_id,
        source.programme_id,
        source.site_id,
        commodity,
        (),
        False,
        now(),
        1,
    )


def _graded(lot: Lot) -> LotGraded:
    same = ("lot_code", "source", "source_id", "cycle_id", "programme_id", "site_id", "commodity", "best_before")
    return LotGraded(
        lot_id=lot.id,
        grade=lot.grade.value,
        quantity=lot.quantity.amount,
        unit=lot.quantity.unit.value,
        **{name: getattr(lot, name) for name in same},
    )


def spec(lot_code: str, grade_: Grade, amount: Decimal, unit: Unit | str, best_before: date | None) -> LotSpec:
    return LotSpec(lot_code, grade_, quantity(amount, unit), best_before)


def dispose(
    lot: Lot,
    *,
    kind: DispositionKind,
    amount: Decimal,
    unit: Unit | str,
    on: date,
    recipient: str | None = None,
    reason: str | None = None,
) -> tuple[Lot, LotDistributed | LotWrittenOff | LotDisposed]:
    """The lot less what leaves it (or plus a reservation released), converted exactly into its unit, and the
    event that tells it."""
    if kind is DispositionKind.DISTRIBUTED and not recipient:
        raise MissingDetail("A distribution names its recipient.", field="recipient")
    if kind is DispositionKind.WRITTEN_OFF and not reason:
        raise MissingDetail("A write-off gives its reason.", field="reason")
    taken = quantity(amount, unit).to(lot.quantity.unit)
    if kind is DispositionKind.RESERVATION_RELEASED and taken.amount > lot.reserved:
        held = f"{format(lot.reserved, 'f')} {lot.quantity.unit.value}"
        raise OverReleased(f"Only {held} is reserved; {taken} cannot be released.", field="quantity")
    if kind is not DispositionKind.RESERVATION_RELEASED and taken.amount > lot.balance:
        held = f"{format(lot.balance, 'f')} {lot.quantity.unit.value}"
        raise OverBalance(f"The lot holds only {held}; {taken} cannot leave it.", field="quantity")
    disposition = Disposition(kind, taken, on, recipient, reason, now())
    after = replace(lot, dispositions=(*lot.dispositions, disposition), version=lot.version + 1)
    moved = {"lot_id": lot.id, "quantity": taken.amount, "unit": taken.unit.value, "balance": after.balance}
    if kind is DispositionKind.DISTRIBUTED:
        assert recipient is not None
        return after, LotDistributed(**moved, recipient=recipient, distributed_on=on)
    if kind is DispositionKind.WRITTEN_OFF:
        assert reason is not None
        return after, LotWrittenOff(**moved, reason=reason, written_off_on=on)
    return after, LotDisposed(**moved, kind=kind.value, disposed_on=on)


def release_for_sale(lot: Lot) -> tuple[Lot, LotReleasedForSale]:
    """Offer the lot's balance for sale, with what a listing needs and where it came from."""
    if lot.released_for_sale or lot.balance <= 0:
        raise AlreadyReleased("The lot is already released for sale, or holds nothing.", field="lot_id")
    released = replace(lot, released_for_sale=True, version=lot.version + 1)
    return released, LotReleasedForSale(
        lot_id=lot.id,
        lot_code=lot.lot_code,
        product=lot.commodity,
        quantity=lot.balance,
        unit=lot.quantity.unit.value,
        grade=lot.grade.value,
        best_before=lot.best_before,
        programme_id=lot.programme_id,
        site_id=lot.site_id,
        cycle_id=lot.cycle_id,
        harvest_id=lot.source_id if lot.source == "harvest" else None,
        batch_id=lot.source_id if lot.source == "batch" else None,
    )


def account_sale(lot: Lot, sale: LotSold) -> Lot | None:
    """The lot with a marketplace sale taken as a `sold` disposition; None when this sale is already accounted.

    Raises OverBalance beyond what the lot holds, IncompatibleUnits or UnknownUnit for a unit that does not
    convert exactly to the lot's, NonPositiveQuantity, and NotForSale for a lot never released for sale.
    """
    if any(taken.sale_id == sale.sale_id for taken in lot.dispositions):
        return None
    if not lot.released_for_sale:
        raise NotForSale(f"Lot {lot.lot_code} was never released for sale.", field="lot_id")
    sold, _ = dispose(lot, kind=DispositionKind.SOLD, amount=sale.quantity, unit=sale.unit, on=sale.sold_on)
    *earlier, taken = sold.dispositions
    return replace(sold, dispositions=(*earlier, replace(taken, sale_id=sale.sale_id)))


HoldAnswer = LotHoldAccepted | LotHoldRefused


def hold_for_order(lot: Lot, held: LotHeld) -> tuple[Lot, HoldAnswer] | None:
    """The lot with what an order holds reserved for it, or with the hold refused, and the answer that tells the
    marketplace; None when this hold was answered (or released) already."""
    if lot.hold(held.hold_id) is not None:
        return None
    try:
        if not lot.released_for_sale:
            raise NotForSale(f"Lot {lot.lot_code} was never released for sale.", field="lot_id")
        wanted = quantity(held.quantity, held.unit).to(lot.quantity.unit)
        if wanted.amount > lot.balance:
            left = f"{format(lot.balance, 'f')} {lot.quantity.unit.value}"
            raise OverBalance(f"The lot holds only {left}; {wanted} cannot be held.", field="quantity")
    except DomainError as refused:
        after = _answered(lot, held, Decimal(0), HoldState.REFUSED)
        return after, LotHoldRefused(**_hold_mark(held), reason=refused.detail, balance=after.balance)
    after = _answered(lot, held, wanted.amount, HoldState.RESERVED)
    accepted = LotHoldAccepted(
        **_hold_mark(held), quantity=wanted.amount, unit=wanted.unit.value, balance=after.balance
    )
    return after, accepted


def release_hold(lot: Lot, released: LotHoldReleased) -> Lot | None:
    """The lot with an order's reservation returned to it; None when there is none to return. A release that
    comes before its hold is kept, so the hold, should it come later, is not reserved."""
    known = lot.hold(released.hold_id)
    if known is None:
        gone = OrderHold(released.hold_id, released.order_id, Decimal(0), HoldState.RELEASED, now())
        return replace(lot, holds=(*lot.holds, gone), version=lot.version + 1)
    if known.state is not HoldState.RESERVED:
        return None
    return _with_hold(lot, replace(known, state=HoldState.RELEASED))


def sell_held(lot: Lot, sale: LotSoldToOrder) -> Lot | None:
    """The lot with an order's reservation sold (a `sold` disposition in place of the hold); None when this sale
    is accounted already. Raises NotReserved when production holds no reservation of that quantity for it; a hold
    placed before holds were reserved (none known) is taken from the balance, as a sale was before."""
    if any(taken.sale_id == sale.sale_id for taken in lot.dispositions):
        return None
    known = lot.hold(sale.sale_id)
    if known is None:
        return account_sale(lot, LotSold(**sale.model_dump(exclude={"order_id"})))
    sold = quantity(sale.quantity, sale.unit).to(lot.quantity.unit)
    if known.state is not HoldState.RESERVED or sold.amount != known.quantity:
        raise NotReserved(f"Lot {lot.lot_code} holds no reservation of {sold} for this order.", field="sale_id")
    disposition = Disposition(DispositionKind.SOLD, sold, sale.sold_on, None, None, now(), sale.sale_id)
    after = _with_hold(lot, replace(known, state=HoldState.SOLD))
    return replace(after, dispositions=(*lot.dispositions, disposition))


def _answered(lot: Lot, held: LotHeld, reserved: Decimal, state: HoldState) -> Lot:
    answered = OrderHold(held.hold_id, held.order_id, reserved, state, now())
    return replace(lot, holds=(*lot.holds, answered), version=lot.version + 1)


def _with_hold(lot: Lot, changed: OrderHold) -> Lot:
    holds = tuple(changed if hold.hold_id == changed.hold_id else hold for hold in lot.holds)
    return replace(lot, holds=holds, version=lot.version + 1)


def _hold_mark(held: LotHeld) -> dict[str, str]:
    return {"lot_id": held.lot_id, "hold_id": held.hold_id, "order_id": held.order_id}
