"""The marketplace's read model of production lots released for sale: what production released, and what left
each lot afterwards by production's own dispositions."""

from pymongo import ASCENDING, IndexModel

from services.marketplace.lots.domain import Reduction, ReleasedLot, available
from shared.contracts.production import LotReleasedForSale
from shared.storage.database import Document, ServiceDatabase, Transaction
from shared.storage.migrations import rewrite_documents
from shared.storage.values import amount_of, day_or_none, older_amount, older_day, stored_amount, stored_day_or_none

LOTS = "lots"

INDEXES = {
    LOTS: [
        IndexModel([("released.site_id", ASCENDING), ("listing_id", ASCENDING)], name="by_site_unlisted"),
    ]
}


async def learn_release(tx: Transaction, lot: LotReleasedForSale, sequence: int) -> ReleasedLot:
    released = {
        "lot_code": lot.lot_code,
        "product": lot.product,
        "unit": lot.unit,
        "grade": lot.grade,
        "best_before": stored_day_or_none(lot.best_before),
        "programme_id": lot.programme_id,
        "site_id": lot.site_id,
        "source": "harvest" if lot.harvest_id else "batch",
        "source_id": lot.harvest_id or lot.batch_id,
        "quantity": stored_amount(lot.quantity),
        "sequence": sequence,
    }
    await tx.db[LOTS].update_one({"_id": lot.lot_id}, {"$set": {"released": released}}, upsert=True, session=tx.session)
    document = await tx.document(LOTS, lot.lot_id)
    assert document is not None  # just upserted
    return from_document(document)


async def learn_reduction(tx: Transaction, lot_id: str, taken: Reduction) -> bool:
    """Keep what production took at the lot's `sequence`, once: an event read again (its dedupe record gone, or
    published again under another id) finds its sequence kept and changes nothing. False then."""
    reduction = {"event_id": taken.event_id, "sequence": taken.sequence, "quantity": stored_amount(taken.quantity)}
    not_yet = {"_id": lot_id, "reductions.sequence": {"$ne": taken.sequence}}
    pushed = await tx.db[LOTS].update_one(not_yet, {"$push": {"reductions": reduction}}, session=tx.session)
    if pushed.matched_count:
        return True
    if await tx.document(LOTS, lot_id) is not None:
        return False
    await tx.db[LOTS].insert_one({"_id": lot_id, "reductions": [reduction]}, session=tx.session)
    return True


async def released_lot(tx: Transaction, lot_id: str) -> ReleasedLot | None:
    document = await tx.document(LOTS, lot_id)
    return None if document is None or document.get("released") is None else from_document(document)


async def unlisted_at(tx: Transaction, site_id: str) -> list[ReleasedLot]:
    """Lots released at a site whose facility was unknown when they arrived."""
    query = {"released.site_id": site_id, "listing_id": None}
    return [from_document(document) for document in await tx.db[LOTS].find(query, session=tx.session).to_list()]


async def mark_listed(tx: Transaction, lot_id: str, listing_id: str) -> None:
    await tx.db[LOTS].update_one({"_id": lot_id}, {"$set": {"listing_id": listing_id}}, session=tx.session)


def from_document(document: Document) -> ReleasedLot:
    released = document["released"]
    reductions = [
        Reduction(taken["event_id"], taken["sequence"], amount_of(taken["quantity"]))
        for taken in document.get("reductions", [])
    ]
    return ReleasedLot(
        id=document["_id"],
        lot_code=released["lot_code"],
        product=released["product"],
        unit=released["unit"],
        grade=released["grade"],
        best_before=day_or_none(released["best_before"]),
        programme_id=released["programme_id"],
        site_id=released["site_id"],
        source=released["source"],
        source_id=released["source_id"],
        available=available(amount_of(released["quantity"]), released["sequence"], reductions),
        listing_id=document.get("listing_id"),
    )


async def store_amounts_and_days(database: ServiceDatabase) -> None:
    """Lots an earlier version stored with decimal text and ISO days, rewritten as Decimal128 and midnight UTC."""
    await rewrite_documents(database, LOTS, {}, _in_todays_form)


def _in_todays_form(document: Document) -> Document:
    rewritten: Document = {}
    released = document.get("released")
    if released is not None:
        today = {
            **released,
            "quantity": older_amount(released["quantity"]),
            "best_before": older_day(released["best_before"]),
        }
        if today != released:
            rewritten["released"] = today
    reductions = document.get("reductions", [])
    in_form = [{**taken, "quantity": older_amount(taken["quantity"])} for taken in reductions]
    if in_form != reductions:
        rewritten["reductions"] = in_form
    return rewritten
