"""The premi ledger: one line per settlement and participant, learnt from the marketplace's events."""

from services.enrolment.records.domain import PremiEntry
from shared.contracts.marketplace import PremiSettled
from shared.storage.database import Document, Transaction
from shared.storage.values import amount_of, day_of, stored_amount, stored_day

PREMI_LEDGER = "premi_ledger"


def from_document(line: Document) -> PremiEntry:
    """A ledger line, keyed `<settlement>:<participant>`."""
    return PremiEntry(
        line["_id"].split(":")[0],
        line["programme_id"],
        amount_of(line["amount"]),
        line["currency"],
        day_of(line["settled_on"]),
    )


async def add_premi_line(tx: Transaction, settled: PremiSettled) -> None:
    """One ledger line per (settlement, participant): a repeated settlement changes nothing."""
    line = {
        "participant_id": settled.participant_id,
        "programme_id": settled.programme_id,
        "amount": stored_amount(settled.amount),
        "currency": settled.currency,
        "settled_on": stored_day(settled.settled_on),
    }
    key = {"_id": f"{settled.settlement_id}:{settled.participant_id}"}
    await tx.db[PREMI_LEDGER].update_one(key, {"$setOnInsert": line}, upsert=True, session=tx.session)


async def premi_of(tx: Transaction, participant_id: str) -> list[PremiEntry]:
    found = tx.db[PREMI_LEDGER].find({"participant_id": participant_id}, sort=[("settled_on", 1)], session=tx.session)
    return [from_document(line) async for line in found]
