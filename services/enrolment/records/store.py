"""The premi ledger: one line per settlement and participant, learnt from the marketplace's events."""

from datetime import UTC, datetime

from bson.decimal128 import Decimal128

from services.enrolment.records.domain import PremiEntry
from shared.contracts.marketplace import PremiSettled
from shared.storage.database import Transaction

PREMI_LEDGER = "premi_ledger"


async def add_premi_line(tx: Transaction, settled: PremiSettled) -> None:
    """One ledger line per (settlement, participant): a repeated settlement changes nothing."""
    line = {
        "participant_id": settled.participant_id,
        "programme_id": settled.programme_id,
        "amount": Decimal128(settled.amount),
        "currency": settled.currency,
        "settled_on": datetime.combine(settled.settled_on, datetime.min.time(), tzinfo=UTC),
    }
    key = {"_id": f"{settled.settlement_id}:{settled.participant_id}"}
    await tx.db[PREMI_LEDGER].update_one(key, {"$setOnInsert": line}, upsert=True, session=tx.session)


async def premi_of(tx: Transaction, participant_id: str) -> list[PremiEntry]:
    found = tx.db[PREMI_LEDGER].find({"participant_id": participant_id}, sort=[("settled_on", 1)], session=tx.session)
    return [
        PremiEntry(
            line["_id"].split(":")[0],
            line["programme_id"],
            line["amount"].to_decimal(),
            line["currency"],
            line["settled_on"].date(),
        )
        async for line in found
    ]
