"""Use cases for batches: each credited participant checked against the read model of enrolments."""

from datetime import date

from services.production.batches import domain, store
from services.production.batches.domain import Batch
from services.production.credits.handlers import Credits, standings
from services.production.cycles import store as cycles
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


async def produce_batch(
    database: ServiceDatabase,
    *,
    reach: str | None,
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
        cycle = await cycles.cycle(tx, cycle_id, reach=reach)
        batch, event = domain.produce_batch(
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
        await store.save_batch(tx, batch)
        await cycles.yielded(tx, cycle, produced_on)
        await tx.publish(event, subject=batch.id, sequence=batch.version)
        return batch

    return await database.transaction(work)


async def batch(database: ServiceDatabase, batch_id: str, *, reach: str | None) -> Batch:
    async def work(tx: Transaction) -> Batch:
        return await store.batch(tx, batch_id, reach=reach)

    return await database.transaction(work)


async def batches_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    cycle_id: str | None,
    programme_id: str | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Batch]:
    return await store.batches_page(
        database, reach=reach, cycle_id=cycle_id, programme_id=programme_id, after=after, limit=limit
    )
