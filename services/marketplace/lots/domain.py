"""A production lot released for sale, as the marketplace knows it: what was released, less what production took
from it afterwards; pure. A reduction's `sequence` (the lot's version) says whether it came after the release,
whatever order the events arrive in."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared.contracts.production import LotDisposed

RETURNED = "reservation_released"


@dataclass(frozen=True)
class ReleasedLot:
    id: str
    lot_code: str
    product: str
    unit: str
    grade: str
    best_before: date | None
    programme_id: str
    site_id: str
    source: str
    source_id: str
    available: Decimal
    """Released, less what production took from the lot since."""
    listing_id: str | None


@dataclass(frozen=True)
class Reduction:
    """What production took from a lot (negative: gave back) at the lot's `sequence`: one change of the lot, so a
    lot holds at most one reduction per sequence, however often its event is read."""

    event_id: str
    sequence: int
    quantity: Decimal


def available(released: Decimal, released_at: int, reductions: list[Reduction]) -> Decimal:
    """What was released, less what production took after the release."""
    after_release = (taken.quantity for taken in reductions if taken.sequence > released_at)
    return released - sum(after_release, Decimal(0))


def disposed(disposal: LotDisposed) -> Decimal:
    """What a disposition takes from the lot; a reservation released gives it back."""
    return -disposal.quantity if disposal.kind == RETURNED else disposal.quantity
