"""The marketplace's read model of production lots released for sale: what production released, and what left
each lot afterwards by production's own dispositions. A disposition's `sequence` (the lot's version) says
whether it came after the release, whatever order the events arrive in."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pymongo import ASCENDING, IndexModel

from shared.contracts.production import LotReleasedForSale
from shared.storage.database import Document, Transaction

LOTS = "lots"

INDEXES = {
    LOTS: [
        IndexModel([("released.site_id", ASCENDING), ("listing_id", ASCENDING)], name="by_site_unlisted"),
    ]
}


@dataclass(frozen=True)
class ReleasedLot:
    id: str
    lot_code: str
    product: str
    unit: str
    grade: str
    best_before: date | None
    programme_id: str
    site_id: str
    source: str
    source_id: str
    available: Decimal
    """Released, less what production took from the lot since."""
    listing_id: str | None


async def learn_release(tx: Transaction, lot: LotReleasedForSale, sequence: int) -> ReleasedLot:
    released = {
        "lot_code": lot.lot_code,
        "product": lot.product,
        "unit": lot.unit,
        "grade": lot.grade,
        "best_before": lot.best_before.isoformat() if lot.best_before else None,
        "programme_id": lot.programme_id,
        "site_id": lot.site_id,
        "source": "harvest" if lot.harvest_id else "batch",
        "source_id": lot.harvest_id or lot.batch_id,
        "quantity": format(lot.quantity, "f"),
        "sequence": sequence,
    }
    return await _updated(tx, lot.lot_id, {"$set": {"released": released}})


async def learn_reduction(tx: Transaction, lot_id: str, *, event_id: str, sequence: int, quantity: Decimal) -> None:
    """Production took `quantity` (negative: gave back) from the lot at `sequence`."""
    taken = {"event_id": event_id, "sequence": sequence, "quantity": format(quantity, "f")}
    await tx.db[LOTS].update_one({"_id": lot_id}, {"$push": {"reductions": taken}}, upsert=True, session=tx.session)


async def released_lot(tx: Transaction, lot_id: str) -> ReleasedLot | None:
    document = await tx.db[LOTS].find_one({"_id": lot_id}, session=tx.session)
    return None if document is None or document.get("released") is None else _lot(document)


async def unlisted_at(tx: Transaction, site_id: str) -> list[ReleasedLot]:
    """Lots released at a site whose facility was unknown when they arrived."""
    query = {"released.site_id": site_id, "listing_id": None}
    return [_lot(document) for document in await tx.db[LOTS].find(query, session=tx.session).to_list()]


async def mark_listed(tx: Transaction, lot_id: str, listing_id: str) -> None:
    await tx.db[LOTS].update_one({"_id": lot_id}, {"$set": {"listing_id": listing_id}}, session=tx.session)


async def _updated(tx: Transaction, lot_id: str, change: Document) -> ReleasedLot:
    await tx.db[LOTS].update_one({"_id": lot_id}, change, upsert=True, session=tx.session)
    document = await tx.db[LOTS].find_one({"_id": lot_id}, session=tx.session)
    assert document is not None  # just upserted
    return _lot(document)


def _lot(document: Document) -> ReleasedLot:
    released = document["released"]
    after_release = (
        Decimal(taken["quantity"])
        for taken in document.get("reductions", [])
        if taken["sequence"] > released["sequence"]
    )
    best_before = released["best_before"]
    return ReleasedLot(
        id=document["_id"],
        lot_code=released["lot_code"],
        product=released["product"],
        unit=released["unit"],
        grade=released["grade"],
        best_before=date.fromisoformat(best_before) if best_before else None,
        programme_id=released["programme_id"],
        site_id=released["site_id"],
        source=released["source"],
        source_id=released["source_id"],
        available=Decimal(released["quantity"]) - sum(after_release, Decimal(0)),
        listing_id=document.get("listing_id"),
    )
