"""The listings collection. A listing takes a new position in commit order whenever what the catalogue shows
of it changes, so a client following the catalogue's cursor sees every change once, in order."""

from datetime import date, datetime
from decimal import Decimal

from pymongo import ASCENDING, IndexModel

from services.marketplace.listings.domain import (
    Category,
    Listing,
    ListingNotFound,
    ListingStatus,
    LotStock,
    PriceChange,
)
from services.marketplace.listings.publication import Public
from shared.storage.database import POSITION, Document, Transaction

LISTINGS = "listings"

INDEXES = {
    LISTINGS: [
        IndexModel(
            [("facility_id", ASCENDING), ("product", ASCENDING), ("unit", ASCENDING)],
            name="one_per_product",
            unique=True,
        ),
        IndexModel([("status", ASCENDING), (POSITION, ASCENDING)], name="catalogue_in_commit_order"),
        IndexModel([("lots.programme_id", ASCENDING)], name="by_programme"),
        IndexModel([("lots.source_id", ASCENDING)], name="by_source"),
        IndexModel([(POSITION, ASCENDING)], name="changes_in_commit_order"),
    ],
}


def to_document(listing: Listing, public: Public | None) -> Document:
    return {
        "_id": listing.id,
        "facility_id": listing.facility_id,
        "product": listing.product,
        "unit": listing.unit,
        "status": listing.status.value,
        "title": listing.title,
        "description": listing.description,
        "category": listing.category.value if listing.category else None,
        "price": listing.price,
        "minimum_order": _text(listing.minimum_order),
        "food_declared": listing.food_declared,
        "pirt_number": listing.pirt_number,
        "halal_number": listing.halal_number,
        "photo_ids": list(listing.photo_ids),
        "lots": [_lot_document(lot) for lot in listing.lots],
        "price_history": [{"price": c.price, "since": c.since, "by": c.by} for c in listing.price_history],
        "created_at": listing.created_at,
        "updated_at": listing.updated_at,
        "published_at": listing.published_at,
        "version": listing.version,
        "public": public,
        "search": _search_text(listing),
        "in_stock": listing.stock > 0,
        "changed_at": datetime.fromisoformat(public["updated_at"]) if public else None,
    }


def _search_text(listing: Listing) -> str:
    return " ".join((listing.title, listing.description, listing.product.replace("_", " "))).casefold()


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else format(amount, "f")


def _lot_document(lot: LotStock) -> Document:
    return {
        "lot_id": lot.lot_id,
        "lot_code": lot.lot_code,
        "programme_id": lot.programme_id,
        "source": lot.source,
        "source_id": lot.source_id,
        "grade": lot.grade,
        "best_before": lot.best_before.isoformat() if lot.best_before else None,
        "available": format(lot.available, "f"),
        "held": format(lot.held, "f"),
        "sold": format(lot.sold, "f"),
    }


def from_document(document: Document) -> Listing:
    minimum = document["minimum_order"]
    return Listing(
        id=document["_id"],
        facility_id=document["facility_id"],
        product=document["product"],
        unit=document["unit"],
        status=ListingStatus(document["status"]),
        title=document["title"],
        description=document["description"],
        category=Category(document["category"]) if document["category"] else None,
        price=document["price"],
        minimum_order=Decimal(minimum) if minimum is not None else None,
        food_declared=document["food_declared"],
        pirt_number=document["pirt_number"],
        halal_number=document["halal_number"],
        photo_ids=tuple(document["photo_ids"]),
        lots=tuple(_lot(each) for each in document["lots"]),
        price_history=tuple(PriceChange(c["price"], c["since"], c["by"]) for c in document["price_history"]),
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        published_at=document["published_at"],
        version=document["version"],
    )


def _lot(document: Document) -> LotStock:
    best_before = document["best_before"]
    return LotStock(
        lot_id=document["lot_id"],
        lot_code=document["lot_code"],
        programme_id=document["programme_id"],
        source=document["source"],
        source_id=document["source_id"],
        grade=document["grade"],
        best_before=date.fromisoformat(best_before) if best_before else None,
        available=Decimal(document["available"]),
        held=Decimal(document["held"]),
        sold=Decimal(document["sold"]),
    )


async def listing(tx: Transaction, listing_id: str) -> tuple[Listing, Public | None]:
    document = await tx.db[LISTINGS].find_one({"_id": listing_id}, session=tx.session)
    if document is None:
        raise ListingNotFound(f"No listing {listing_id}.", field="listing_id")
    return from_document(document), document["public"]


async def listing_of(
    tx: Transaction, *, facility_id: str, product: str, unit: str
) -> tuple[Listing, Public | None] | None:
    query = {"facility_id": facility_id, "product": product, "unit": unit}
    document = await tx.db[LISTINGS].find_one(query, session=tx.session)
    return None if document is None else (from_document(document), document["public"])


async def listings_with(tx: Transaction, *, programme_id: str | None = None, source_id: str | None = None) -> list[str]:
    query = {"lots.programme_id": programme_id} if programme_id else {"lots.source_id": source_id}
    found = tx.db[LISTINGS].find(query, projection=["_id"], session=tx.session)
    return [document["_id"] for document in await found.to_list()]


async def listings_at(tx: Transaction, facility_id: str) -> list[str]:
    found = tx.db[LISTINGS].find({"facility_id": facility_id}, projection=["_id"], session=tx.session)
    return [document["_id"] for document in await found.to_list()]


async def save_listing(tx: Transaction, listing: Listing, public: Public | None, *, moved: bool) -> None:
    """Save the listing; `moved` (its public state changed) gives it the next position in commit order."""
    document = to_document(listing, public)
    if moved or listing.version == 1:
        document[POSITION] = (await tx.take_positions(LISTINGS))[0]
    await tx.save_versioned(LISTINGS, document)
