"""Use cases of settlement: a fulfilled order settled in its own transaction, premi paid once credits are known,
and programmes' terms."""

from datetime import date

from services.marketplace.programmes import store as programmes
from services.marketplace.settlement import domain, store
from services.marketplace.settlement.domain import Hours, Sale, Settlement, Terms
from services.marketplace.sources import store as sources
from shared.storage.database import ServiceDatabase, Transaction


async def settle_order(tx: Transaction, order: Sale, on: date) -> list[Settlement]:
    programme_ids = order.programme_ids
    terms = await store.terms(tx, programme_ids)
    agencies = {pid: known.agency_id for pid, known in (await programmes.programmes(tx, programme_ids)).items()}
    source_ids = sorted({each.source_id for line in order.lines for each in line.allocations})
    hours = {source_id: source.hours for source_id, source in (await sources.sources(tx, source_ids)).items()}
    settled = domain.settle(order, terms=terms, hours=hours, agencies=agencies, on=on)
    for settlement in settled:
        await store.save(tx, settlement)
        for sequence, event in enumerate(domain.settled(settlement), start=1):
            await tx.publish(event, subject=settlement.id, sequence=sequence)
    return settled


async def pay_pending(tx: Transaction, source_id: str, hours: Hours) -> None:
    """Credits of a harvest or batch learnt after its lots were sold: the premi they waited for is paid."""
    for settlement in await store.awaiting(tx, source_id):
        after, paid_now = domain.pay_pending(settlement, source_id, hours)
        if paid_now:
            await store.save(tx, after)
            payment_id = domain.payment_id(after, source_id)
            for sequence, event in enumerate(domain.premi_settled(after, payment_id, paid_now), start=2):
                await tx.publish(event, subject=payment_id, sequence=sequence)


async def set_terms(database: ServiceDatabase, programme_id: str, terms: Terms, *, by: str) -> Terms:
    async def work(tx: Transaction) -> Terms:
        await store.save_terms(tx, programme_id, terms, by)
        return terms

    return await database.transaction(work)


async def terms_of(database: ServiceDatabase, programme_id: str) -> Terms:
    async def work(tx: Transaction) -> Terms:
        return (await store.terms(tx, [programme_id])).get(programme_id, Terms())

    return await database.read(work)
