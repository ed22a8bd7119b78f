"""The lots collection: each lot with its dispositions, replaced only over the version it was read at."""

from datetime import date
from decimal import Decimal
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.production.lots import Disposition, DispositionKind, Grade, Lot, LotNotFound
from services.production.store_values import date_of, day, exact
from services.production.units import Quantity, Unit
from shared import pages
from shared.database import DUPLICATE_KEY, ConcurrentChange, Document, ServiceDatabase, Transaction
from shared.errors import Conflict

LOTS = "lots"

INDEXES = {
    LOTS: [
        pages.index_in_order("by_source", "source_id"),
        pages.index_in_order("by_grade", "grade"),
        pages.index_in_order("by_release", "released_for_sale"),
        pages.index_in_order("in_order"),
        IndexModel([("lot_code", ASCENDING)], name="lot_code", unique=True),
    ]
}


class DuplicateLotCode(Conflict):
    """Lot codes are unique: each names one lot."""


FIELDS = ("lot_code", "source", "source_id", "cycle_id", "programme_id", "site_id", "commodity", "released_for_sale")


def _day(value: date | None) -> Any:
    return day(value) if value else None


def to_document(lot: Lot) -> Document:
    dispositions = [
        {
            "kind": d.kind.value,
            "quantity": exact(d.quantity.amount),
            "on": day(d.on),
            "recipient": d.recipient,
            "reason": d.reason,
            "recorded_at": d.recorded_at,
            "sale_id": d.sale_id,
        }
        for d in lot.dispositions
    ]
    return {
        "_id": lot.id,
        **{name: getattr(lot, name) for name in FIELDS},
        "grade": lot.grade.value,
        "quantity": exact(lot.quantity.amount),
        "unit": lot.quantity.unit.value,
        "best_before": _day(lot.best_before),
        "dispositions": dispositions,
        "created_at": lot.created_at,
        "version": lot.version,
    }


def _amount(stored: Any) -> Decimal:
    amount: Decimal = stored.to_decimal()
    return amount


def from_document(document: Document) -> Lot:
    unit = Unit(document["unit"])
    dispositions = tuple(
        Disposition(
            DispositionKind(d["kind"]),
            Quantity(_amount(d["quantity"]), unit),
            date_of(d["on"]),
            d["recipient"],
            d["reason"],
            d["recorded_at"],
            d.get("sale_id"),
        )
        for d in document["dispositions"]
    )
    return Lot(
        id=document["_id"],
        **{name: document[name] for name in FIELDS},
        grade=Grade(document["grade"]),
        quantity=Quantity(_amount(document["quantity"]), unit),
        best_before=date_of(document["best_before"]) if document["best_before"] else None,
        dispositions=dispositions,
        created_at=document["created_at"],
        version=document["version"],
    )


async def add_lots(tx: Transaction, lots: list[Lot]) -> None:
    """Insert new lots; DuplicateLotCode when a code is taken, by an earlier lot or within these."""
    codes = [lot.lot_code for lot in lots]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise DuplicateLotCode(f"Lot code {repeated[0]!r} is given twice.", field="lot_code")
    try:
        if lots:
            await tx.db[LOTS].insert_many([to_document(lot) for lot in lots], session=tx.session)
    except (DuplicateKeyError, BulkWriteError) as error:
        if not _duplicate_key(error):
            raise
        taken = await tx.db[LOTS].distinct("lot_code", {"lot_code": {"$in": codes}})
        raise DuplicateLotCode(f"Lot code {', '.join(map(repr, taken))} is taken.", field="lot_code") from None


async def lot(tx: Transaction, lot_id: str) -> Lot:
    document = await tx.db[LOTS].find_one({"_id": lot_id}, session=tx.session)
    if document is None:
        raise LotNotFound(f"No lot {lot_id}.", field="lot_id")
    return from_document(document)


async def save_lot(tx: Transaction, changed: Lot) -> None:
    """Replace the version before; a lost race is a ConcurrentChange, and the whole use case runs again."""
    previous = {"_id": changed.id, "version": changed.version - 1}
    result = await tx.db[LOTS].replace_one(previous, to_document(changed), session=tx.session)
    if result.matched_count != 1:
        raise ConcurrentChange(f"lot {changed.id} changed meanwhile")


def _duplicate_key(error: DuplicateKeyError | BulkWriteError) -> bool:
    if isinstance(error, DuplicateKeyError):
        return True
    failures = error.details.get("writeErrors", [])
    return bool(failures) and all(failure["code"] == DUPLICATE_KEY for failure in failures)


async def lots_page(
    database: ServiceDatabase,
    *,
    harvest_id: str | None,
    batch_id: str | None,
    grade: Grade | None,
    released: bool | None,
    after: str | None,
    limit: int,
) -> tuple[list[Lot], str | None]:
    query: Document = {}
    for source, source_id in (("harvest", harvest_id), ("batch", batch_id)):
        if source_id is not None:
            query.update(source=source, source_id=source_id)
    if grade is not None:
        query["grade"] = grade.value
    if released is not None:
        query["released_for_sale"] = released
    return await pages.page(database.db[LOTS], query, from_document, after=after, limit=limit)
