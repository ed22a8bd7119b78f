"""The settlement ledger: one entry per fulfilled order and programme, with the premi fixed per participant and
any still waiting for its production's credits; and the terms staff set for each programme."""

from datetime import date

from pymongo import ASCENDING, IndexModel

from services.marketplace.settlement.domain import Settlement, Terms
from shared.storage.database import Document, ServiceDatabase, Transaction
from shared.storage.values import day_of, stored_day

SETTLEMENTS = "settlements"
TERMS = "programme_terms"

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
        "settled_on": stored_day(settlement.settled_on),
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
        settled_on=day_of(document["settled_on"]),
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
    query: Document = {"settled_on": {"$gte": stored_day(start), "$lte": stored_day(end)}}
    if programme_ids is not None:
        query["programme_id"] = {"$in": programme_ids}
    found = tx.db[SETTLEMENTS].find(query, sort=[("settled_on", ASCENDING), ("_id", ASCENDING)], session=tx.session)
    return [from_document(document) for document in await found.to_list()]


async def premi_settled(database: ServiceDatabase) -> int:
    """The premi of every settled sale so far, paid and still pending."""
    total = [{"$group": {"_id": None, "premi": {"$sum": "$premi"}}}]
    return sum([row["premi"] async for row in await database.db[SETTLEMENTS].aggregate(total)])


async def terms(tx: Transaction, programme_ids: list[str]) -> dict[str, Terms]:
    """The terms staff set for those of the programmes given that have them."""
    found = await tx.db[TERMS].find({"_id": {"$in": programme_ids}}, session=tx.session).to_list()
    return {document["_id"]: Terms(**document["percent"]) for document in found}


async def save_terms(tx: Transaction, programme_id: str, terms: Terms, by: str) -> None:
    await tx.db[TERMS].update_one(
        {"_id": programme_id}, {"$set": {"percent": vars(terms), "set_by": by}}, upsert=True, session=tx.session
    )
