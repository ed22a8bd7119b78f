"""Use cases for harvests and batches: each credited participant checked against the read model of enrolments."""

from datetime import date
from decimal import Decimal

from services.production import batches, handlers, harvests, store_cycles, store_harvests, store_sites
from services.production.batches import Batch
from services.production.crediting import Standing
from services.production.cycles import Cycle
from services.production.harvests import Harvest
from services.production.units import Unit
from shared.database import ServiceDatabase, Transaction

Credits = list[tuple[str, Decimal]]


async def standings(tx: Transaction, credits: Credits, cycle: Cycle, *, on: date) -> dict[str, Standing]:
    """Each credited participant's standing on `on` at the cycle's site: the cohort they are credited through, or
    why they may not be."""
    facility_id = (await store_sites.site(tx, cycle.site_id)).facility_id
    return {
        participant_id: await handlers.standing(
            tx, participant_id, programme_id=cycle.programme_id, on=on, facility_id=facility_id
        )
        for participant_id, _ in credits
    }


async def record_harvest(
    database: ServiceDatabase,
    *,
    cycle_id: str,
    harvested_on: date,
    quantity: Decimal,
    unit: Unit | str,
    credits: Credits,
    commodity: str | None = None,
    fish_count: int | None = None,
) -> Harvest:
    async def work(tx: Transaction) -> Harvest:
        cycle = await store_cycles.cycle(tx, cycle_id)
        harvest, event = harvests.record_harvest(
            cycle,
            credits=credits,
            standings=await standings(tx, credits, cycle, on=harvested_on),
            harvested_on=harvested_on,
            amount=quantity,
            unit=unit,
            commodity=commodity,
            fish_count=fish_count,
        )
        await store_harvests.save(tx, store_harvests.HARVESTS, store_harvests.harvest_document(harvest))
        await store_cycles.yielded(tx, cycle, harvested_on)
        await tx.publish(event, subject=harvest.id, sequence=harvest.version)
        return harvest

    return await database.transaction(work)


async def produce_batch(
    database: ServiceDatabase,
    *,
    cycle_id: str,
    batch_code: str,
    units: int,
    produced_on: date,
    credits: Credits,
    food: bool = False,
    best_before: date | None = None,
    product: str | None = None,
) -> Batch:
    async def work(tx: Transaction) -> Batch:
        cycle = await store_cycles.cycle(tx, cycle_id)
        batch, event = batches.produce_batch(
            cycle,
            credits=credits,
            standings=await standings(tx, credits, cycle, on=produced_on),
            batch_code=batch_code,
            units=units,
            produced_on=produced_on,
            food=food,
            best_before=best_before,
            product=product,
        )
        await store_harvests.save(tx, store_harvests.BATCHES, store_harvests.batch_document(batch))
        await store_cycles.yielded(tx, cycle, produced_on)
        await tx.publish(event, subject=batch.id, sequence=batch.version)
        return batch

    return await database.transaction(work)


async def harvest(database: ServiceDatabase, harvest_id: str) -> Harvest:
    async def work(tx: Transaction) -> Harvest:
        return await store_harvests.harvest(tx, harvest_id)

    return await database.transaction(work)


async def batch(database: ServiceDatabase, batch_id: str) -> Batch:
    async def work(tx: Transaction) -> Batch:
        return await store_harvests.batch(tx, batch_id)

    return await database.transaction(work)
