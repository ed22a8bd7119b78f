"""Use cases for harvests: each credited participant checked against the read model of enrolments."""

from datetime import date
from decimal import Decimal

from services.production.credits.handlers import Credits, standings
from services.production.cycles import store as cycles
from services.production.harvests import domain, store
from services.production.harvests.domain import Harvest
from services.production.quantities.domain import Unit
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


async def record_harvest(
    database: ServiceDatabase,
    *,
    reach: str | None,
    cycle_id: str,
    harvested_on: date,
    quantity: Decimal,
    unit: Unit | str,
    credits: Credits,
    commodity: str | None = None,
    fish_count: int | None = None,
) -> Harvest:
    async def work(tx: Transaction) -> Harvest:
        cycle = await cycles.cycle(tx, cycle_id, reach=reach)
        harvest, event = domain.record_harvest(
            cycle,
            credits=credits,
            standings=await standings(tx, credits, cycle, on=harvested_on),
            harvested_on=harvested_on,
            amount=quantity,
            unit=unit,
            commodity=commodity,
            fish_count=fish_count,
        )
        await store.save_harvest(tx, harvest)
        await cycles.yielded(tx, cycle, harvested_on)
        await tx.publish(event, subject=harvest.id, sequence=harvest.version)
        return harvest

    return await database.transaction(work)


async def harvest(database: ServiceDatabase, harvest_id: str, *, reach: str | None) -> Harvest:
    async def work(tx: Transaction) -> Harvest:
        return await store.harvest(tx, harvest_id, reach=reach)

    return await database.transaction(work)


async def harvests_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    cycle_id: str | None,
    programme_id: str | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Harvest]:
    return await store.harvests_page(
        database, reach=reach, cycle_id=cycle_id, programme_id=programme_id, after=after, limit=limit
    )
