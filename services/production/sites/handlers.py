"""Use cases for production sites."""

from decimal import Decimal

from services.production.sites import domain, store
from services.production.sites.domain import Site, SiteKind
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


async def register_site(
    database: ServiceDatabase,
    *,
    reach: str | None,
    facility_id: str,
    name: str,
    kind: SiteKind,
    area_m2: Decimal | None = None,
    volume_m3: Decimal | None = None,
) -> Site:
    domain.ensure_reached(facility_id, reach)
    site, registered = domain.register_site(
        facility_id=facility_id, name=name, kind=kind, area_m2=area_m2, volume_m3=volume_m3
    )

    async def work(tx: Transaction) -> None:
        await store.save_site(tx, site)
        await tx.publish(registered, subject=site.id, sequence=site.version)

    await database.transaction(work)
    return site


async def site(database: ServiceDatabase, site_id: str, *, reach: str | None) -> Site:
    async def work(tx: Transaction) -> Site:
        return await store.site(tx, site_id, reach=reach)

    return await database.transaction(work)


async def sites_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    facility_id: str | None,
    kind: SiteKind | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Site]:
    return await store.sites_page(database, reach=reach, facility_id=facility_id, kind=kind, after=after, limit=limit)
