"""An order's hold on a listing's stock: taken from the lots whose best-before comes first, returned when the
order is cancelled or expires, sold when it is fulfilled; pure, no I/O."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal

from services.marketplace.listings.domain import (
    BelowMinimumOrder,
    Listing,
    ListingStatus,
    NotPublished,
    OutOfStock,
    changed,
)

Allocation = tuple[str, Decimal]
"""A lot id and the quantity an order takes from it."""


def hold(listing: Listing, quantity: Decimal) -> tuple[Listing, list[Allocation]]:
    """Hold `quantity` for an order, from the lots whose best-before comes first (those without one last)."""
    if listing.status is not ListingStatus.PUBLISHED:
        raise NotPublished(f"Listing {listing.id} is not published.", field="listing_id")
    if listing.minimum_order is not None and quantity < listing.minimum_order:
        minimum = f"{format(listing.minimum_order, 'f')} {listing.unit}"
        raise BelowMinimumOrder(f"Listing {listing.id} is ordered {minimum} at least.", field="quantity")
    if quantity > listing.stock:
        raise OutOfStock(
            f"Listing {listing.id} has {format(listing.stock, 'f')} {listing.unit} left.", field="quantity"
        )
    allocations: list[Allocation] = []
    wanted = quantity
    for lot in sorted(listing.lots, key=lambda lot: (lot.best_before or date.max, lot.lot_code)):
        taken = min(lot.free, wanted)
        if taken > 0:
            allocations.append((lot.lot_id, taken))
            wanted -= taken
    return _moved(listing, allocations, held=+1), allocations


def release(listing: Listing, allocations: list[Allocation]) -> Listing:
    """An order cancelled or expired: what it held returns to the stock."""
    return _moved(listing, allocations, held=-1)


def sell(listing: Listing, allocations: list[Allocation]) -> Listing:
    """An order fulfilled: what it held is sold."""
    return _moved(listing, allocations, held=-1, sold=+1)


def _moved(listing: Listing, allocations: list[Allocation], *, held: int = 0, sold: int = 0) -> Listing:
    taken = dict(allocations)
    lots = tuple(
        replace(lot, held=lot.held + held * taken[lot.lot_id], sold=lot.sold + sold * taken[lot.lot_id])
        if lot.lot_id in taken
        else lot
        for lot in listing.lots
    )
    return changed(listing, lots=lots)


Move = Callable[[Listing, list[Allocation]], Listing]
"""What an order's change does to a listing's stock: `release` or `sell`."""
