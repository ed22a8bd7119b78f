"""The production sites collection."""

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from services.production.sites import DuplicateSiteName, Site, SiteKind, SiteNotFound
from services.production.store_values import amount_of, exact
from shared import pages
from shared.database import Document, ServiceDatabase, Transaction

SITES = "sites"

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
        "area_m2": exact(site.area_m2),
        "volume_m3": exact(site.volume_m3),
        "created_at": site.created_at,
        "version": site.version,
    }


def from_document(document: Document) -> Site:
    return Site(
        id=document["_id"],
        facility_id=document["facility_id"],
        name=document["name"],
        kind=SiteKind(document["kind"]),
        area_m2=amount_of(document["area_m2"]),
        volume_m3=amount_of(document["volume_m3"]),
        created_at=document["created_at"],
        version=document["version"],
    )


async def add_site(tx: Transaction, site: Site) -> None:
    try:
        await tx.db[SITES].insert_one(to_document(site), session=tx.session)
    except DuplicateKeyError:
        raise DuplicateSiteName(f"The facility already has a site named {site.name!r}.", field="name") from None


async def site(tx: Transaction, site_id: str) -> Site:
    document = await tx.db[SITES].find_one({"_id": site_id}, session=tx.session)
    if document is None:
        raise SiteNotFound(f"No production site {site_id}.", field="site_id")
    return from_document(document)


async def sites_page(
    database: ServiceDatabase, *, facility_id: str | None, kind: SiteKind | None, after: str | None, limit: int
) -> tuple[list[Site], str | None]:
    query: dict[str, object] = {}
    if facility_id is not None:
        query["facility_id"] = facility_id
    if kind is not None:
        query["kind"] = kind.value
    return await pages.page(database.db[SITES], query, from_document, after=after, limit=limit)
