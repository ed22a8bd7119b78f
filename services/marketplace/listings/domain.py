"""Listings: one per product, facility and unit, stocked by the lots production releases for sale; officers
complete and publish them. Stock is what the lots still hold, less what orders hold or sold; pure, no I/O."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import uuid4

from shared.errors import Conflict, InvalidInput, NotFound

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
