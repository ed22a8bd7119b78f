"""Use cases for lots: grading a harvest or a batch, dispositions, release for sale, marketplace orders' holds
reserved or refused, and their sales accounted."""

from datetime import date
from decimal import Decimal

from services.production.batches import store as batches
from services.production.harvests import store as harvests
from services.production.lots import domain, store
from services.production.lots.domain import DispositionKind, Grade, Lot, LotSpec
from services.production.quantities.domain import Unit
from shared.contracts.marketplace import LotHeld, LotHoldReleased, LotSold, LotSoldToOrder
from shared.contracts.production import LotGraded
from shared.errors import DomainError
from shared.messaging.consumer import Unprocessable
from shared.messaging.envelope import Envelope
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


async def grade_harvest(
    database: ServiceDatabase, harvest_id: str, specs: list[LotSpec], *, reach: str | None
) -> list[Lot]:
    async def work(tx: Transaction) -> list[Lot]:
        harvest, graded, events = domain.grade(await harvests.harvest(tx, harvest_id, reach=reach), specs)
        await harvests.save_harvest(tx, harvest)
        return await _add(tx, graded, events)

    return await database.transaction(work)


async def grade_batch(
    database: ServiceDatabase, batch_id: str, specs: list[LotSpec], *, reach: str | None
) -> list[Lot]:
    async def work(tx: Transaction) -> list[Lot]:
        batch, graded, events = domain.grade(await batches.batch(tx, batch_id, reach=reach), specs)
        await batches.save_batch(tx, batch)
        return await _add(tx, graded, events)

    return await database.transaction(work)


async def _add(tx: Transaction, graded: list[Lot], events: list[LotGraded]) -> list[Lot]:
    await store.add_lots(tx, graded)
    for lot, event in zip(graded, events, strict=True):
        await tx.publish(event, subject=lot.id, sequence=lot.version)
    return graded


async def dispose_lot(
    database: ServiceDatabase,
    lot_id: str,
    *,
    reach: str | None,
    kind: DispositionKind,
    quantity: Decimal,
    unit: Unit | str,
    on: date,
    recipient: str | None = None,
    reason: str | None = None,
) -> Lot:
    async def work(tx: Transaction) -> Lot:
        lot, event = domain.dispose(
            await store.lot(tx, lot_id, reach=reach),
            kind=kind,
            amount=quantity,
            unit=unit,
            on=on,
            recipient=recipient,
            reason=reason,
        )
        await store.save_lot(tx, lot)
        await tx.publish(event, subject=lot.id, sequence=lot.version)
        return lot

    return await database.transaction(work)


async def release_for_sale(database: ServiceDatabase, lot_id: str, *, reach: str | None) -> Lot:
    async def work(tx: Transaction) -> Lot:
        lot, event = domain.release_for_sale(await store.lot(tx, lot_id, reach=reach))
        await store.save_lot(tx, lot)
        await tx.publish(event, subject=lot.id, sequence=lot.version)
        return lot

    return await database.transaction(work)


async def lot(database: ServiceDatabase, lot_id: str, *, reach: str | None) -> Lot:
    async def work(tx: Transaction) -> Lot:
        return await store.lot(tx, lot_id, reach=reach)

    return await database.transaction(work)


async def lots_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    harvest_id: str | None,
    batch_id: str | None,
    grade: Grade | None,
    released: bool | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Lot]:
    return await store.lots_page(
        database,
        reach=reach,
        harvest_id=harvest_id,
        batch_id=batch_id,
        grade=grade,
        released=released,
        after=after,
        limit=limit,
    )


async def account_sale(tx: Transaction, envelope: Envelope, payload: LotSold) -> None:
    """Take a marketplace sale from its lot, once per sale_id; a sale that cannot be taken is dead-lettered."""
    try:
        sold = domain.account_sale(await store.lot(tx, payload.lot_id), payload)
    except DomainError as refused:
        raise Unprocessable(f"sale {payload.sale_id} of lot {payload.lot_id}: {refused.detail}") from None
    if sold is not None:
        await store.save_lot(tx, sold)


async def hold_for_order(tx: Transaction, envelope: Envelope, payload: LotHeld) -> None:
    """Reserve what a marketplace order holds of a lot, or refuse it, and tell the marketplace which; once per
    hold, by the lot's own record of it."""
    answered = domain.hold_for_order(await store.lot(tx, payload.lot_id), payload)
    if answered is not None:
        lot, answer = answered
        await store.save_lot(tx, lot)
        await tx.publish(answer, subject=lot.id, sequence=lot.version)


async def release_order_hold(tx: Transaction, envelope: Envelope, payload: LotHoldReleased) -> None:
    """An order's hold ended unsold: what was reserved for it returns to the lot."""
    released = domain.release_hold(await store.lot(tx, payload.lot_id), payload)
    if released is not None:
        await store.save_lot(tx, released)


async def account_order_sale(tx: Transaction, envelope: Envelope, payload: LotSoldToOrder) -> None:
    """Turn an order's reservation into its sale, once per sale_id; a sale of nothing reserved is dead-lettered."""
    try:
        sold = domain.sell_held(await store.lot(tx, payload.lot_id), payload)
    except DomainError as refused:
        raise Unprocessable(f"sale {payload.sale_id} of lot {payload.lot_id}: {refused.detail}") from None
    if sold is not None:
        await store.save_lot(tx, sold)
