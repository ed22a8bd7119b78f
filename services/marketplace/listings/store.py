"""The listings collection. A listing takes a new position in commit order whenever what the catalogue shows
of it changes, so a client following the catalogue's cursor sees every change once, in order."""

import base64
import binascii
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel

from services.marketplace.listings.domain import (
    Category,
    Listing,
    ListingNotFound,
    ListingStatus,
    LotStock,
    PriceChange,
    Public,
)
from shared.storage import pages
from shared.storage.database import POSITION, Document, ServiceDatabase, Transaction
from shared.storage.migrations import rewrite_documents
from shared.storage.pages import InvalidCursor
from shared.storage.values import (
    amount_of,
    amount_or_none,
    day_or_none,
    older_amount,
    older_day,
    stored_amount,
    stored_amount_or_none,
    stored_day_or_none,
)

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
        "minimum_order": stored_amount_or_none(listing.minimum_order),
        "food_declared": listing.food_declared,
        "pirt_number": listing.pirt_number,
        "halal_number": listing.halal_number,
        "photo_ids": list(listing.photo_ids),
        "lots": [_lot_to_document(lot) for lot in listing.lots],
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


def _lot_to_document(lot: LotStock) -> Document:
    return {
        "lot_id": lot.lot_id,
        "lot_code": lot.lot_code,
        "programme_id": lot.programme_id,
        "source": lot.source,
        "source_id": lot.source_id,
        "grade": lot.grade,
        "best_before": stored_day_or_none(lot.best_before),
        "available": stored_amount(lot.available),
        "held": stored_amount(lot.held),
        "sold": stored_amount(lot.sold),
    }


def from_document(document: Document) -> Listing:
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
        minimum_order=amount_or_none(document["minimum_order"]),
        food_declared=document["food_declared"],
        pirt_number=document["pirt_number"],
        halal_number=document["halal_number"],
        photo_ids=tuple(document["photo_ids"]),
        lots=tuple(_lot_from_document(each) for each in document["lots"]),
        price_history=tuple(PriceChange(c["price"], c["since"], c["by"]) for c in document["price_history"]),
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        published_at=document["published_at"],
        version=document["version"],
    )


def _lot_from_document(document: Document) -> LotStock:
    return LotStock(
        lot_id=document["lot_id"],
        lot_code=document["lot_code"],
        programme_id=document["programme_id"],
        source=document["source"],
        source_id=document["source_id"],
        grade=document["grade"],
        best_before=day_or_none(document["best_before"]),
        available=amount_of(document["available"]),
        held=amount_of(document["held"]),
        sold=amount_of(document["sold"]),
    )


async def listing(tx: Transaction, listing_id: str) -> tuple[Listing, Public | None]:
    document = await tx.document(LISTINGS, listing_id)
    if document is None:
        raise ListingNotFound(f"No listing {listing_id}.", field="listing_id")
    return from_document(document), document["public"]


async def listing_of(
    tx: Transaction, *, facility_id: str, product: str, unit: str
) -> tuple[Listing, Public | None] | None:
    query = {"facility_id": facility_id, "product": product, "unit": unit}
    document = await tx.document(LISTINGS, query)
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


def cursor_of(position: int) -> str:
    """The cursor that continues after a listing at `position` in commit order."""
    return base64.urlsafe_b64encode(f"listings:{position}".encode()).decode().rstrip("=")


def position_of(cursor: str) -> int:
    try:
        kind, _, position = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition(":")
        if kind == "listings":
            return pages.position_in(position)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidCursor("The cursor is not one this catalogue gave.", field="after")


async def after_cursor(
    database: ServiceDatabase, query: dict[str, Any], *, after: str | None, limit: int, projection: list[str] | None
) -> tuple[list[Document], bool]:
    """Up to `limit` listings matching `query` positioned after the cursor, in commit order, and whether more follow."""
    if after is not None:
        query = {**query, POSITION: {"$gt": position_of(after)}}
    found = database.db[LISTINGS].find(query, projection=projection, sort=[(POSITION, 1)], limit=limit + 1)
    documents = await found.to_list()
    return documents[:limit], len(documents) > limit


async def listings_page(
    database: ServiceDatabase, *, status: ListingStatus | None, facility_id: str | None, after: str | None, limit: int
) -> tuple[list[Listing], str | None]:
    """Listings (drafts too) in the commit order of their last change, of one facility when given."""
    query = pages.only(status=status.value if status else None, facility_id=facility_id)
    shown, more = await after_cursor(database, query, after=after, limit=limit, projection=None)
    cursor = cursor_of(shown[-1][POSITION]) if more else None
    return [from_document(document) for document in shown], cursor


async def published_count(database: ServiceDatabase) -> int:
    return await database.db[LISTINGS].count_documents({"status": ListingStatus.PUBLISHED.value})


async def store_amounts_and_days(database: ServiceDatabase) -> None:
    """Listings an earlier version stored with decimal text and ISO days: their minimum order and lots rewritten
    as Decimal128 and midnight UTC (`shared.storage.values`)."""
    await rewrite_documents(database, LISTINGS, {}, _in_todays_form)


def _in_todays_form(document: Document) -> Document:
    minimum, lots = document.get("minimum_order"), document.get("lots", [])
    rewritten = {"minimum_order": older_amount(minimum), "lots": [_lot_in_todays_form(lot) for lot in lots]}
    return {} if rewritten == {"minimum_order": minimum, "lots": lots} else rewritten


def _lot_in_todays_form(lot: Document) -> Document:
    amounts = {name: older_amount(lot[name]) for name in ("available", "held", "sold")}
    return {**lot, **amounts, "best_before": older_day(lot["best_before"])}
