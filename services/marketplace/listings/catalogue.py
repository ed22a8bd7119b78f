"""Reading the catalogue: published listings by text, category, price, stock, facility and agency, in the
commit order of their last change; with `updated_since`, withdrawn ones too, as tombstones, so that a client
can mirror the catalogue exactly.

The cursor is a position in that order, not a listing: a listing that changes moves to the end, so a client
following the cursor sees every change once it commits, and never misses one."""

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.marketplace.listings.store import LISTINGS
from services.marketplace.parties import store as parties
from shared.storage.database import POSITION, Document, ServiceDatabase
from shared.storage.pages import InvalidCursor

PROJECTION = ["public", "status", POSITION, "changed_at"]


@dataclass(frozen=True)
class Search:
    text: str | None = None
    category: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool | None = None
    facility_id: str | None = None
    agency_id: str | None = None
    updated_since: datetime | None = None

    def query(self) -> dict[str, Any]:
        query: dict[str, Any] = {"status": "published"}
        if self.updated_since is not None:
            query = {"status": {"$in": ["published", "withdrawn"]}, "changed_at": {"$gte": self.updated_since}}
        if self.text:
            query["search"] = {"$regex": re.escape(self.text.casefold())}
        prices = {op: bound for op, bound in (("$gte", self.price_min), ("$lte", self.price_max)) if bound is not None}
        wanted = {
            "public.category": self.category,
            "public.price": prices or None,
            "in_stock": self.in_stock,
            "facility_id": self.facility_id,
            "public.agency_ids": self.agency_id,
        }
        return query | {name: value for name, value in wanted.items() if value is not None}


@dataclass(frozen=True)
class Found:
    items: list[dict[str, Any]]
    cursor: str | None
    more: bool


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"listings:{position}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        kind, _, position = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition(":")
        if kind == "listings" and position.isdigit():
            return int(position)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidCursor("The cursor is not one this catalogue gave.", field="after")


async def after_cursor(
    database: ServiceDatabase, query: dict[str, Any], *, after: str | None, limit: int, projection: list[str] | None
) -> tuple[list[Document], bool]:
    """Up to `limit` listings matching `query` positioned after the cursor, in commit order, and whether more follow."""
    if after is not None:
        query = {**query, POSITION: {"$gt": decode(after)}}
    found = database.db[LISTINGS].find(query, projection=projection, sort=[(POSITION, 1)], limit=limit + 1)
    documents = await found.to_list()
    return documents[:limit], len(documents) > limit


async def search(database: ServiceDatabase, search: Search, *, after: str | None, limit: int) -> Found:
    """A page of the catalogue; `cursor` continues after its last item (given even at the end, to poll from)."""
    shown, more = await after_cursor(database, search.query(), after=after, limit=limit, projection=PROJECTION)
    cursor = encode(shown[-1][POSITION]) if shown else after
    return Found([entry(document) for document in shown], cursor, more)


async def listing(database: ServiceDatabase, listing_id: str) -> dict[str, Any] | None:
    """A published listing as the catalogue shows it; None when it is not in the catalogue."""
    document = await database.db[LISTINGS].find_one({"_id": listing_id, "status": "published"}, projection=PROJECTION)
    return None if document is None else entry(document)


@dataclass(frozen=True)
class Choices:
    """The facilities and partner agencies that published listings name: what a search can usefully ask for."""

    facility_ids: list[str]
    agency_ids: list[str]
    names: dict[str, str]
    """Facility and agency ids -> their names, as far as learnt."""

    def facility(self, facility_id: str) -> str:
        return self.names.get(facility_id, facility_id)

    def agency(self, agency_id: str) -> str:
        return self.names.get(agency_id, agency_id)


async def choices(database: ServiceDatabase) -> Choices:
    published = {"status": "published"}
    facilities = sorted(await database.db[LISTINGS].distinct("facility_id", published))
    agencies = sorted(await database.db[LISTINGS].distinct("public.agency_ids", published))
    names: dict[str, str] = {}
    for collection, ids in ((parties.FACILITIES, facilities), (parties.AGENCIES, agencies)):
        found = database.db[collection].find({"_id": {"$in": ids}, "name": {"$exists": True}})
        names |= {document["_id"]: document["name"] async for document in found}
    return Choices(facilities, agencies, names)


def entry(document: Document) -> dict[str, Any]:
    """A published listing as the catalogue shows it, or a withdrawn one's tombstone."""
    if document["status"] == "published":
        return {**document["public"], "status": "published"}
    return {
        "listing_id": document["_id"],
        "status": "withdrawn",
        "updated_at": document["public"]["updated_at"],
    }
