"""The auditor's report: each programme's ledger over a period (proceeds, premi paid and pending, PNBP, working
capital), reconciled to the rupiah with the fulfilled orders of the same period; pure."""

from dataclasses import dataclass, field
from datetime import date

from services.marketplace.settlement.domain import Settlement


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


def report(start: date, end: date, settlements: list[Settlement], orders_total: int) -> Report:
    """The period's settlements gathered into one ledger per programme, in the order of programme ids."""
    ledgers: dict[str, ProgrammeLedger] = {}
    for settlement in settlements:
        ledger = ledgers.setdefault(
            settlement.programme_id, ProgrammeLedger(settlement.programme_id, settlement.agency_id)
        )
        ledger.add(settlement)
    return Report(start, end, sorted(ledgers.values(), key=lambda x: x.programme_id), orders_total)
