"""The settlement ledger: one entry per fulfilled order and programme, with the premi fixed per participant and
any still waiting for its production's credits."""

from datetime import date, datetime

from pymongo import ASCENDING, IndexModel

from services.marketplace.settlement.domain import Settlement, Terms
from shared.storage.database import Document, Transaction

SETTLEMENTS = "settlements"

INDEXES = {
    SETTLEMENTS: [
        IndexModel([("programme_id", ASCENDING), ("settled_on", ASCENDING)], name="by_programme_and_day"),
        IndexModel([("settled_on", ASCENDING)], name="by_day"),
        IndexModel([("pending.source_id", ASCENDING)], name="by_pending_source"),
    ]
}


def to_document(settlement: Settlement) -> Document:
    return {
        "_id": settlement.id,
        "order_id": settlement.order_id,
        "programme_id": settlement.programme_id,
        "agency_id": settlement.agency_id,
        "proceeds": settlement.proceeds,
        "premi": settlement.premi,
        "pnbp": settlement.pnbp,
        "working_capital": settlement.working_capital,
        "terms": vars(settlement.terms),
        "settled_on": datetime(settlement.settled_on.year, settlement.settled_on.month, settlement.settled_on.day),
        "paid": [{"participant_id": who, "amount": amount} for who, amount in sorted(settlement.paid.items())],
        "pending": [{"source_id": source, "premi": premi} for source, premi in sorted(settlement.pending.items())],
    }


def from_document(document: Document) -> Settlement:
    return Settlement(
        id=document["_id"],
        order_id=document["order_id"],
        programme_id=document["programme_id"],
        agency_id=document["agency_id"],
        proceeds=document["proceeds"],
        premi=document["premi"],
        pnbp=document["pnbp"],
        working_capital=document["working_capital"],
        terms=Terms(**document["terms"]),
        settled_on=document["settled_on"].date(),
        paid={line["participant_id"]: line["amount"] for line in document["paid"]},
        pending={line["source_id"]: line["premi"] for line in document["pending"]},
    )


async def save(tx: Transaction, settlement: Settlement) -> None:
    document = to_document(settlement)
    await tx.db[SETTLEMENTS].replace_one({"_id": settlement.id}, document, upsert=True, session=tx.session)


async def awaiting(tx: Transaction, source_id: str) -> list[Settlement]:
    found = tx.db[SETTLEMENTS].find({"pending.source_id": source_id}, session=tx.session)
    return [from_document(document) for document in await found.to_list()]


async def between(tx: Transaction, start: date, end: date, programme_ids: list[str] | None) -> list[Settlement]:
    query: Document = {"settled_on": {"$gte": _midnight(start), "$lte": _midnight(end)}}
    if programme_ids is not None:
        query["programme_id"] = {"$in": programme_ids}
    found = tx.db[SETTLEMENTS].find(query, sort=[("settled_on", ASCENDING), ("_id", ASCENDING)], session=tx.session)
    return [from_document(document) for document in await found.to_list()]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)
