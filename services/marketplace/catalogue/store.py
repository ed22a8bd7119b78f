"""Reading the catalogue from the listings collection: published listings by text, category, price, stock,
facility and agency, in the commit order of their last change; with `updated_since`, withdrawn ones too, as
tombstones, so that a client can mirror the catalogue exactly."""

import re
from typing import Any

from services.marketplace.catalogue.domain import Choices, Found, Search
from services.marketplace.listings import store as listings
from services.marketplace.listings.store import LISTINGS
from services.marketplace.parties import store as parties
from shared.storage.database import POSITION, POSITIONS, Document, ServiceDatabase

PROJECTION = ["public", "status", POSITION, "changed_at"]


def query_of(search: Search) -> dict[str, Any]:
    query: dict[str, Any] = {"status": "published"}
    if search.updated_since is not None:
        query = {"status": {"$in": ["published", "withdrawn"]}, "changed_at": {"$gte": search.updated_since}}
    if search.text:
        query["search"] = {"$regex": re.escape(search.text.casefold())}
    bounds = (("$gte", search.price_min), ("$lte", search.price_max))
    prices = {op: bound for op, bound in bounds if bound is not None}
    wanted = {
        "public.category": search.category,
        "public.price": prices or None,
        "in_stock": search.in_stock,
        "facility_id": search.facility_id,
        "public.agency_ids": search.agency_id,
    }
    return query | {name: value for name, value in wanted.items() if value is not None}


async def search(database: ServiceDatabase, search: Search, *, after: str | None, limit: int) -> Found:
    """A page of the catalogue; `cursor` continues after its last item (given even at the end, to poll from)."""
    shown, more = await listings.after_cursor(
        database, query_of(search), after=after, limit=limit, projection=PROJECTION
    )
    cursor = listings.cursor_of(shown[-1][POSITION]) if shown else after
    return Found([from_document(document) for document in shown], cursor, more)


async def listing(database: ServiceDatabase, listing_id: str) -> dict[str, Any] | None:
    """A published listing as the catalogue shows it; None when it is not in the catalogue."""
    published = {"_id": listing_id, "status": "published"}
    document = await database.read(lambda tx: tx.document(LISTINGS, published, projection=PROJECTION))
    return None if document is None else from_document(document)


async def choices(database: ServiceDatabase) -> Choices:
    published = {"status": "published"}
    facilities = sorted(await database.db[LISTINGS].distinct("facility_id", published))
    agencies = sorted(await database.db[LISTINGS].distinct("public.agency_ids", published))
    known = await database.read(lambda tx: parties.names(tx, facilities, agencies))
    return Choices(facilities, agencies, known.facilities | known.agencies)


async def latest_position(database: ServiceDatabase) -> int:
    """The last position a listing took in commit order: every change integrators can see takes a new one."""
    counter = await database.read(lambda tx: tx.document(POSITIONS, LISTINGS, projection=["last"]))
    return int(counter["last"]) if counter else 0


def from_document(document: Document) -> dict[str, Any]:
    """A published listing as the catalogue shows it, or a withdrawn one's tombstone."""
    if document["status"] == "published":
        return {**document["public"], "status": "published"}
    return {
        "listing_id": document["_id"],
        "status": "withdrawn",
        "updated_at": document["public"]["updated_at"],
    }
