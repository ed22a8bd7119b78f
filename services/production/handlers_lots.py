"""Use cases for lots: grading a harvest or a batch, dispositions and release for sale."""

from datetime import date
from decimal import Decimal

from services.production import lots, sales, store_harvests, store_lots
from services.production.batches import Batch
from services.production.harvests import Harvest
from services.production.lots import DispositionKind, Lot, LotSpec
from services.production.units import Unit
from shared.consumer import Unprocessable
from shared.database import ServiceDatabase, Transaction
from shared.errors import DomainError
from shared.events import Envelope
from shared.events.marketplace import LotSold
from shared.events.production import LotGraded


async def grade_harvest(database: ServiceDatabase, harvest_id: str, specs: list[LotSpec]) -> list[Lot]:
    async def work(tx: Transaction) -> list[Lot]:
        harvest, graded, events = lots.grade(await store_harvests.harvest(tx, harvest_id), specs)
        assert isinstance(harvest, Harvest)
        await store_harvests.save(tx, store_harvests.HARVESTS, store_harvests.harvest_document(harvest))
        return await _add(tx, graded, events)

    return await database.transaction(work)


async def grade_batch(database: ServiceDatabase, batch_id: str, specs: list[LotSpec]) -> list[Lot]:
    async def work(tx: Transaction) -> list[Lot]:
        batch, graded, events = lots.grade(await store_harvests.batch(tx, batch_id), specs)
        assert isinstance(batch, Batch)
        await store_harvests.save(tx, store_harvests.BATCHES, store_harvests.batch_document(batch))
        return await _add(tx, graded, events)

    return await database.transaction(work)


async def _add(tx: Transaction, graded: list[Lot], events: list[LotGraded]) -> list[Lot]:
    await store_lots.add_lots(tx, graded)
    for lot, event in zip(graded, events, strict=True):
        await tx.publish(event, subject=lot.id, sequence=lot.version)
    return graded


async def dispose(
    database: ServiceDatabase,
    lot_id: str,
    *,
    kind: DispositionKind,
    quantity: Decimal,
    unit: Unit | str,
    on: date,
    recipient: str | None = None,
    reason: str | None = None,
) -> Lot:
    async def work(tx: Transaction) -> Lot:
        lot, event = lots.dispose(
            await store_lots.lot(tx, lot_id),
            kind=kind,
            amount=quantity,
            unit=unit,
            on=on,
            recipient=recipient,
            reason=reason,
        )
        await store_lots.save_lot(tx, lot)
        if event is not None:
            await tx.publish(event, subject=lot.id, sequence=lot.version)
        return lot

    return await database.transaction(work)


async def release_for_sale(database: ServiceDatabase, lot_id: str) -> Lot:
    async def work(tx: Transaction) -> Lot:
        lot, event = lots.release_for_sale(await store_lots.lot(tx, lot_id))
        await store_lots.save_lot(tx, lot)
        await tx.publish(event, subject=lot.id, sequence=lot.version)
        return lot

    return await database.transaction(work)


async def lot(database: ServiceDatabase, lot_id: str) -> Lot:
    async def work(tx: Transaction) -> Lot:
        return await store_lots.lot(tx, lot_id)

    return await database.transaction(work)


async def account_sale(tx: Transaction, envelope: Envelope, payload: LotSold) -> None:
    """Take a marketplace sale from its lot, once per sale_id; a sale that cannot be taken is dead-lettered."""
    try:
        sold = sales.account_sale(await store_lots.lot(tx, payload.lot_id), payload)
    except DomainError as refused:
        raise Unprocessable(f"sale {payload.sale_id} of lot {payload.lot_id}: {refused.detail}") from None
    if sold is not None:
        await store_lots.save_lot(tx, sold)
