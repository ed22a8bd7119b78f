"""Listings: one per product, facility and unit, stocked by the lots production releases for sale; officers
complete and publish them. Stock is what the lots still hold, less what orders hold or sold; an order holds
stock from the lots whose best-before comes first. What the catalogue shows of a listing is recomputed on every
change: when it differs, integrators are told (`marketplace.listing.updated` naming what changed, and the latest
state on the compacted topic). Pure, no I/O."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import uuid4

from services.marketplace.lots.domain import ReleasedLot
from services.marketplace.parties.domain import Names
from services.marketplace.programmes.domain import Programme
from services.marketplace.sources.domain import Source
from shared.contracts.marketplace import (
    ListingPublished,
    ListingSnapshot,
    ListingSoldOut,
    ListingUpdated,
    ListingWithdrawn,
    Provenance,
)
from shared.errors import Conflict, InvalidInput, NotFound
from shared.messaging.registry import EventData

ZERO = Decimal(0)


class ListingStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Category(StrEnum):
    VEGETABLES = "vegetables"
    FISH = "fish"
    PROCESSED_FOOD = "processed_food"
    CRAFTS = "crafts"
    OTHER = "other"


class ListingNotFound(NotFound):
    """No listing has this id (or none the caller may see)."""


class Incomplete(InvalidInput):
    """A listing is published with its title, description, category, price and minimum order, and a food
    listing with its P-IRT permit and halal certificate numbers."""


class NotPublished(Conflict):
    """Only a published listing can be ordered from or withdrawn."""


class AlreadyPublished(Conflict):
    """A published listing is withdrawn before it is published again."""


class OutOfStock(Conflict):
    """An order takes no more than the listing's stock."""


class BelowMinimumOrder(InvalidInput):
    """An order of a listing takes at least its minimum order."""


@dataclass(frozen=True)
class LotStock:
    """One lot of a listing: what production still holds of it for sale, and what orders hold and sold."""

    lot_id: str
    lot_code: str
    programme_id: str
    source: str
    source_id: str
    grade: str
    best_before: date | None
    available: Decimal
    held: Decimal = ZERO
    sold: Decimal = ZERO

    @property
    def free(self) -> Decimal:
        """Never below zero, even when production took from the lot what orders already hold."""
        return max(self.available - self.held - self.sold, ZERO)


@dataclass(frozen=True)
class PriceChange:
    price: int
    since: datetime
    by: str


@dataclass(frozen=True)
class Listing:
    id: str
    facility_id: str
    product: str
    unit: str
    status: ListingStatus
    title: str
    description: str
    category: Category | None
    price: int | None
    minimum_order: Decimal | None
    food_declared: bool
    pirt_number: str | None
    halal_number: str | None
    photo_ids: tuple[str, ...]
    lots: tuple[LotStock, ...]
    price_history: tuple[PriceChange, ...]
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    version: int

    @property
    def stock(self) -> Decimal:
        return sum((lot.free for lot in self.lots), ZERO)

    @property
    def programme_ids(self) -> list[str]:
        return sorted({lot.programme_id for lot in self.lots})

    def lot(self, lot_id: str) -> LotStock | None:
        return next((lot for lot in self.lots if lot.lot_id == lot_id), None)


def now() -> datetime:
    return datetime.now(UTC)


def new_draft(*, facility_id: str, product: str, unit: str) -> Listing:
    at = now()
    return Listing(
        str(uuid4()), facility_id, product, unit, ListingStatus.DRAFT, product.replace("_", " ").title(), "",
        None, None, None, False, None, None, (), (), (), at, at, None, 1,
    )  # fmt: skip


def restock(listing: Listing, stock: LotStock) -> Listing:
    """The listing with a lot added, or with what production still holds of it brought up to date."""
    known = listing.lot(stock.lot_id)
    if known is None:
        lots = (*listing.lots, stock)
    else:
        lots = tuple(replace(lot, available=stock.available) if lot is known else lot for lot in listing.lots)
    return changed(listing, lots=lots)


def changed(listing: Listing, **changes: object) -> Listing:
    return replace(listing, **changes, updated_at=now(), version=listing.version + 1)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Revision:
    """What an officer changes of a listing; None leaves a field as it is."""

    title: str | None = None
    description: str | None = None
    category: Category | None = None
    price: int | None = None
    minimum_order: Decimal | None = None
    food: bool | None = None
    pirt_number: str | None = None
    halal_number: str | None = None


def revise(listing: Listing, revision: Revision, *, by: str) -> Listing:
    if revision.price is not None and revision.price <= 0:
        raise InvalidInput("A price is a whole number of rupiah above zero.", field="price")
    if revision.minimum_order is not None and revision.minimum_order <= 0:
        raise InvalidInput("A minimum order is above zero.", field="minimum_order")
    kept = {name: value for name, value in vars(revision).items() if value is not None and name != "food"}
    history = listing.price_history
    if revision.price is not None and revision.price != listing.price:
        history = (*history, PriceChange(revision.price, now(), by))
    food = listing.food_declared if revision.food is None else revision.food
    return changed(listing, **kept, food_declared=food, price_history=history)


def publish(listing: Listing, *, food: bool) -> Listing:
    """Publish a complete listing; `food` says whether it is food, which carries its permits."""
    if listing.status is ListingStatus.PUBLISHED:
        raise AlreadyPublished("The listing is already published.", field="status")
    required = {
        "description": listing.description,
        "category": listing.category,
        "price": listing.price,
        "minimum_order": listing.minimum_order,
    }
    if food:
        required |= {"pirt_number": listing.pirt_number, "halal_number": listing.halal_number}
    missing = [name for name, value in required.items() if not value]
    if missing:
        what = "A food listing" if food and missing[0] in ("pirt_number", "halal_number") else "A listing"
        raise Incomplete(f"{what} is published with its {missing[0].replace('_', ' ')}.", field=missing[0])
    return changed(listing, status=ListingStatus.PUBLISHED, published_at=now())


def withdraw(listing: Listing) -> Listing:
    if listing.status is not ListingStatus.PUBLISHED:
        raise NotPublished("Only a published listing can be withdrawn.", field="status")
    return changed(listing, status=ListingStatus.WITHDRAWN)


def add_photo(listing: Listing, photo_id: str) -> Listing:
    return changed(listing, photo_ids=(*listing.photo_ids, photo_id))


def remove_photo(listing: Listing, photo_id: str) -> Listing:
    if photo_id not in listing.photo_ids:
        raise ListingNotFound(f"The listing has no photo {photo_id}.", field="photo_id")
    return changed(listing, photo_ids=tuple(kept for kept in listing.photo_ids if kept != photo_id))


def stock_of(lot: ReleasedLot) -> LotStock:
    """What a listing holds of a released lot: never below zero, whatever production took from it."""
    available = max(lot.available, ZERO)
    return LotStock(
        lot.id, lot.lot_code, lot.programme_id, lot.source, lot.source_id, lot.grade, lot.best_before, available
    )


Held = tuple[str, Decimal]
"""A lot id and the quantity an order holds of it."""


def hold(listing: Listing, quantity: Decimal) -> tuple[Listing, list[Held]]:
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
    allocations: list[Held] = []
    wanted = quantity
    for lot in sorted(listing.lots, key=lambda lot: (lot.best_before or date.max, lot.lot_code)):
        taken = min(lot.free, wanted)
        if taken > 0:
            allocations.append((lot.lot_id, taken))
            wanted -= taken
    return _moved(listing, allocations, held=+1), allocations


def release(listing: Listing, allocations: list[Held]) -> Listing:
    """An order cancelled or expired: what it held returns to the stock."""
    return _moved(listing, allocations, held=-1)


def sell(listing: Listing, allocations: list[Held]) -> Listing:
    """An order fulfilled: what it held is sold."""
    return _moved(listing, allocations, held=-1, sold=+1)


def _moved(listing: Listing, allocations: list[Held], *, held: int = 0, sold: int = 0) -> Listing:
    taken = dict(allocations)
    lots = tuple(
        replace(lot, held=lot.held + held * taken[lot.lot_id], sold=lot.sold + sold * taken[lot.lot_id])
        if lot.lot_id in taken
        else lot
        for lot in listing.lots
    )
    return changed(listing, lots=lots)


Move = Callable[[Listing, list[Held]], Listing]
"""What an order's change does to a listing's stock: `release` or `sell`."""

Public = dict[str, Any]
"""A listing as the catalogue shows it: the fields of `ListingState`, as JSON."""


@dataclass(frozen=True)
class Facts:
    """What the marketplace learnt from other services about a listing's lots."""

    programmes: dict[str, Programme]
    sources: dict[str, Source]
    names: Names = field(default_factory=lambda: Names({}, {}))

    def food(self, listing: Listing) -> bool:
        """Food when an officer says so, or when a lot comes from a batch of food."""
        batches = (self.sources.get(lot.source_id) for lot in listing.lots)
        return listing.food_declared or any(source is not None and source.food for source in batches)


def public_state(listing: Listing, facts: Facts) -> Public:
    provenance = [_provenance(listing, lot.lot_id, facts) for lot in listing.lots if lot.available > 0]
    agencies = sorted({each.agency_id for each in provenance if each.agency_id})
    state = ListingSnapshot(
        listing_id=listing.id,
        facility_id=listing.facility_id,
        facility_name=facts.names.facilities.get(listing.facility_id),
        product=listing.product,
        title=listing.title,
        description=listing.description,
        category=listing.category.value if listing.category else "other",
        unit=listing.unit,
        price=listing.price or 0,
        minimum_order=listing.minimum_order or 0,
        stock=listing.stock,
        food=facts.food(listing),
        pirt_number=listing.pirt_number,
        halal_number=listing.halal_number,
        photo_ids=list(listing.photo_ids),
        provenance=provenance,
        programme_ids=sorted({each.programme_id for each in provenance}),
        agency_ids=agencies,
        published_at=listing.published_at or listing.updated_at,
        updated_at=listing.updated_at,
    )
    return state.model_dump(mode="json")


def _provenance(listing: Listing, lot_id: str, facts: Facts) -> Provenance:
    lot = listing.lot(lot_id)
    assert lot is not None
    programme, source = facts.programmes.get(lot.programme_id), facts.sources.get(lot.source_id)
    return Provenance(
        lot_id=lot.lot_id,
        lot_code=lot.lot_code,
        facility_id=listing.facility_id,
        facility_name=facts.names.facilities.get(listing.facility_id),
        programme_id=lot.programme_id,
        programme_name=programme.name if programme else None,
        agency_id=programme.agency_id if programme else None,
        agency_name=facts.names.agencies.get(programme.agency_id) if programme else None,
        source=lot.source,
        produced_on=source.produced_on if source else None,
        grade=lot.grade,
        best_before=lot.best_before,
    )


def same(was: Public | None, fresh: Public) -> bool:
    """Public states equal in all but their time of change."""
    return was is not None and {**was, "updated_at": None} == {**fresh, "updated_at": None}


def changes(
    before: Listing, after: Listing, was: Public | None, now_public: Public, *, reason: str = "withdrawn"
) -> list[EventData]:
    """The events a listing's change makes, from its status and public state before and after."""
    published = ListingStatus.PUBLISHED
    if after.status is published and before.status is not published:
        return [ListingPublished.model_validate(now_public), ListingSnapshot.model_validate(now_public)]
    if before.status is published and after.status is not published:
        return [ListingWithdrawn(**_mark(now_public), reason=reason, withdrawn_at=now())]
    if after.status is not published or was is None:
        return []
    changed = sorted(name for name, value in now_public.items() if name != "updated_at" and was.get(name) != value)
    if not changed:
        return []
    told: list[EventData] = [
        ListingUpdated.model_validate({**now_public, "changed": changed}),
        ListingSnapshot.model_validate(now_public),
    ]
    if after.stock == 0 < before.stock:
        told.append(ListingSoldOut(**_mark(now_public), sold_out_at=now()))
    return told


def _mark(public: Public) -> dict[str, Any]:
    return {name: public[name] for name in ("listing_id", "facility_id", "programme_ids", "agency_ids")}
