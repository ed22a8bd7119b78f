"""The production sites collection."""

from typing import Any

from pymongo import ASCENDING, IndexModel

from services.production.sites.domain import DuplicateSiteName, Site, SiteKind, SiteNotFound
from shared.storage import pages
from shared.storage.database import Document, ServiceDatabase, Transaction
from shared.storage.values import amount_or_none, stored_amount_or_none

SITES = "sites"

LISTED = {SITES: "created_at"}
"""Listed in commit order; records from before positions existed are placed by this field at start."""

INDEXES = {
    SITES: [
        IndexModel([("facility_id", ASCENDING), ("name", ASCENDING)], name="name_per_facility", unique=True),
        pages.index_in_order("by_facility", "facility_id"),
        pages.index_in_order("by_kind", "kind"),
        pages.index_in_order("in_order"),
    ],
}


def to_document(site: Site) -> Document:
    return {
        "_id": site.id,
        "facility_id": site.facility_id,
        "name": site.name,
        "kind": site.kind.value,
        "area_m2": stored_amount_or_none(site.area_m2),
        "volume_m3": stored_amount_or_none(site.volume_m3),
        "created_at": site.created_at,
        "version": site.version,
    }


def from_document(document: Document) -> Site:
    return Site(
        id=document["_id"],
        facility_id=document["facility_id"],
        name=document["name"],
        kind=SiteKind(document["kind"]),
        area_m2=amount_or_none(document["area_m2"]),
        volume_m3=amount_or_none(document["volume_m3"]),
        created_at=document["created_at"],
        version=document["version"],
    )


async def save_site(tx: Transaction, site: Site) -> None:
    taken = DuplicateSiteName(f"The facility already has a site named {site.name!r}.", field="name")
    await tx.save_versioned(SITES, to_document(site), duplicate=taken, listed=True)


async def site(tx: Transaction, site_id: str, *, reach: str | None = None) -> Site:
    """The site; one at a facility beyond `reach` (None: every facility) is not found, as if it did not exist."""
    document = await tx.document(SITES, site_id)
    if document is None or reach not in (None, document["facility_id"]):
        raise SiteNotFound(f"No production site {site_id}.", field="site_id")
    return from_document(document)


async def reaches(tx: Transaction, site_id: str | None, reach: str | None) -> bool:
    """Whether a caller reaching the facility `reach` (None: every facility) reaches what is on the site."""
    if reach is None:
        return True
    at = {"_id": site_id, "facility_id": reach}
    return site_id is not None and await tx.document(SITES, at, projection=["_id"]) is not None


async def reached(database: ServiceDatabase, reach: str | None) -> dict[str, Any]:
    """A listing's limit to what is on the sites a caller reaches: none for every facility."""
    if reach is None:
        return {}
    found = database.db[SITES].find({"facility_id": reach}, projection=["_id"])
    return {"site_id": {"$in": [document["_id"] async for document in found]}}


async def sites_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    facility_id: str | None,
    kind: SiteKind | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Site]:
    """Sites within `reach`, oldest first; the filters narrow that, never widen it."""
    query = pages.only(facility_id=facility_id, kind=kind.value if kind else None)
    if reach is not None:
        query["$and"] = [{"facility_id": reach}]
    return await pages.page(database.db[SITES], query, from_document, after=after, limit=limit)
