"""Use cases of settlement: a fulfilled order settled in its own transaction, premi paid once credits are known,
programmes' terms, and the auditor's report."""

from datetime import date

from services.marketplace.orders.domain import Order
from services.marketplace.programmes import store as programmes
from services.marketplace.settlement import domain, store
from services.marketplace.settlement.domain import Hours, Settlement, Terms
from services.marketplace.sources import store as sources
from shared.contracts.marketplace import PremiSettled, SaleSettled, Split
from shared.storage.database import ServiceDatabase, Transaction


async def settle_order(tx: Transaction, order: Order, on: date) -> list[Settlement]:
    programme_ids = order.programme_ids
    terms = {pid: Terms(**found["percent"]) for pid, found in (await programmes.terms(tx, programme_ids)).items()}
    agencies = {pid: known.agency_id for pid, known in (await programmes.programmes(tx, programme_ids)).items()}
    source_ids = sorted({each.source_id for line in order.lines for each in line.allocations})
    hours = {source_id: source.hours for source_id, source in (await sources.sources(tx, source_ids)).items()}
    settled = domain.settle(order, terms=terms, hours=hours, agencies=agencies, on=on)
    for settlement in settled:
        await store.save(tx, settlement)
        await tx.publish(_sale_settled(settlement), subject=settlement.id, sequence=1)
        await _publish_premi(tx, settlement, settlement.id, settlement.paid)
    return settled


async def pay_pending(tx: Transaction, source_id: str, hours: Hours) -> None:
    """Credits of a harvest or batch learnt after its lots were sold: the premi they waited for is paid."""
    for settlement in await store.awaiting(tx, source_id):
        after, paid_now = domain.pay_pending(settlement, source_id, hours)
        if paid_now:
            await store.save(tx, after)
            await _publish_premi(tx, after, domain.payment_id(after, source_id), paid_now)


async def _publish_premi(tx: Transaction, settlement: Settlement, payment_id: str, paid: dict[str, int]) -> None:
    for sequence, (participant_id, amount) in enumerate(sorted(paid.items()), start=2):
        premi = PremiSettled(
            settlement_id=payment_id,
            participant_id=participant_id,
            programme_id=settlement.programme_id,
            amount=amount,
            settled_on=settlement.settled_on,
        )
        await tx.publish(premi, subject=payment_id, sequence=sequence)


def _sale_settled(settlement: Settlement) -> SaleSettled:
    return SaleSettled(
        settlement_id=settlement.id,
        order_id=settlement.order_id,
        programme_id=settlement.programme_id,
        agency_id=settlement.agency_id,
        proceeds=settlement.proceeds,
        split=Split(premi=settlement.premi, pnbp=settlement.pnbp, working_capital=settlement.working_capital),
        percent=Split(**vars(settlement.terms)),
        settled_on=settlement.settled_on,
    )


async def set_terms(database: ServiceDatabase, programme_id: str, terms: Terms, *, by: str) -> Terms:
    async def work(tx: Transaction) -> Terms:
        await programmes.save_terms(tx, programme_id, vars(terms), by)
        return terms

    return await database.transaction(work)


async def terms_of(database: ServiceDatabase, programme_id: str) -> Terms:
    async def work(tx: Transaction) -> Terms:
        found = (await programmes.terms(tx, [programme_id])).get(programme_id)
        return Terms(**found["percent"]) if found else Terms()

    return await database.read(work)
