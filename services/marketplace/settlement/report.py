"""The auditor's report: each programme's ledger over a period (proceeds, premi paid and pending, PNBP, working
capital), reconciled to the rupiah with the fulfilled orders of the same period."""

from dataclasses import dataclass, field
from datetime import date, datetime

from services.marketplace.orders.store import ORDERS
from services.marketplace.programmes import store as programmes
from services.marketplace.settlement import store
from services.marketplace.settlement.domain import Settlement
from shared.storage.database import ServiceDatabase, Transaction


@dataclass
class ProgrammeLedger:
    programme_id: str
    agency_id: str | None
    proceeds: int = 0
    premi: int = 0
    premi_paid: int = 0
    premi_pending: int = 0
    pnbp: int = 0
    working_capital: int = 0
    settlements: list[Settlement] = field(default_factory=list)

    def add(self, settlement: Settlement) -> None:
        self.proceeds += settlement.proceeds
        self.premi += settlement.premi
        self.premi_paid += sum(settlement.paid.values())
        self.premi_pending += sum(settlement.pending.values())
        self.pnbp += settlement.pnbp
        self.working_capital += settlement.working_capital
        self.settlements.append(settlement)


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    programmes: list[ProgrammeLedger]
    orders_total: int
    """What the fulfilled orders of the period took for these programmes, counted from the orders themselves."""

    @property
    def proceeds(self) -> int:
        return sum(ledger.proceeds for ledger in self.programmes)

    @property
    def reconciled(self) -> bool:
        split = all(x.premi + x.pnbp + x.working_capital == x.proceeds for x in self.programmes)
        paid = all(x.premi_paid + x.premi_pending == x.premi for x in self.programmes)
        return split and paid and self.proceeds == self.orders_total


async def report(database: ServiceDatabase, *, start: date, end: date, agency_id: str | None) -> Report:
    """The period's ledger, of one agency's programmes when `agency_id` is given (else of all)."""

    async def work(tx: Transaction) -> Report:
        scope = None if agency_id is None else await programmes.programme_ids_of(tx, agency_id)
        ledgers: dict[str, ProgrammeLedger] = {}
        for settlement in await store.between(tx, start, end, scope):
            ledger = ledgers.setdefault(
                settlement.programme_id, ProgrammeLedger(settlement.programme_id, settlement.agency_id)
            )
            ledger.add(settlement)
        total = await _orders_total(tx, start, end, scope)
        return Report(start, end, sorted(ledgers.values(), key=lambda x: x.programme_id), total)

    return await database.transaction(work)


async def _orders_total(tx: Transaction, start: date, end: date, scope: list[str] | None) -> int:
    days = {"$gte": datetime(start.year, start.month, start.day), "$lte": datetime(end.year, end.month, end.day)}
    fulfilled = tx.db[ORDERS].find({"status": "fulfilled", "fulfilled_on": days}, session=tx.session)
    return sum(
        [
            allocation["amount"]
            async for order in fulfilled
            for line in order["lines"]
            for allocation in line["allocations"]
            if scope is None or allocation["programme_id"] in scope
        ]
    )
