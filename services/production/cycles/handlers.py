"""Use cases for production cycles: plantings, fish stockings and workshop runs."""

from datetime import date
from decimal import Decimal

from services.production.cycles import domain, store
from services.production.cycles.domain import Cycle, CycleStatus
from services.production.quantities.domain import Unit
from services.production.sites import store as sites
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


async def start_cycle(
    database: ServiceDatabase,
    *,
    reach: str | None,
    site_id: str,
    programme_id: str,
    commodity: str,
    started_on: date,
    seed_quantity: Decimal | None = None,
    seed_unit: Unit | str | None = None,
    stocked_count: int | None = None,
) -> Cycle:
    async def work(tx: Transaction) -> Cycle:
        cycle, started = domain.start_cycle(
            await sites.site(tx, site_id, reach=reach),
            programme_id=programme_id,
            commodity=commodity,
            started_on=started_on,
            seed_quantity=seed_quantity,
            seed_unit=seed_unit,
            stocked_count=stocked_count,
        )
        await store.save_cycle(tx, cycle)
        await tx.publish(started, subject=cycle.id, sequence=cycle.version)
        return cycle

    return await database.transaction(work)


async def close_cycle(database: ServiceDatabase, cycle_id: str, *, reach: str | None, closed_on: date) -> Cycle:
    async def work(tx: Transaction) -> Cycle:
        closed, event = domain.close_cycle(await store.cycle(tx, cycle_id, reach=reach), closed_on=closed_on)
        await store.save_cycle(tx, closed)
        await tx.publish(event, subject=closed.id, sequence=closed.version)
        return closed

    return await database.transaction(work)


async def cycle(database: ServiceDatabase, cycle_id: str, *, reach: str | None) -> Cycle:
    async def work(tx: Transaction) -> Cycle:
        return await store.cycle(tx, cycle_id, reach=reach)

    return await database.transaction(work)


async def cycles_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    site_id: str | None,
    programme_id: str | None,
    status: CycleStatus | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Cycle]:
    return await store.cycles_page(
        database, reach=reach, site_id=site_id, programme_id=programme_id, status=status, after=after, limit=limit
    )
