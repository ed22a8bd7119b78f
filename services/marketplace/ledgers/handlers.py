"""The auditor's report of a period, of one agency's programmes when given (else of all)."""

from datetime import date

from services.marketplace.ledgers import domain
from services.marketplace.ledgers.domain import Report
from services.marketplace.orders import store as orders
from services.marketplace.programmes import store as programmes
from services.marketplace.settlement import store as settlements
from shared.storage.database import ServiceDatabase, Transaction


async def report(database: ServiceDatabase, *, start: date, end: date, agency_id: str | None) -> Report:
    async def work(tx: Transaction) -> Report:
        scope = None if agency_id is None else await programmes.programme_ids_of(tx, agency_id)
        settled = await settlements.between(tx, start, end, scope)
        return domain.report(start, end, settled, await orders.fulfilled_total(tx, start, end, scope))

    return await database.transaction(work)
