"""The lots collection: each lot with its dispositions, replaced only over the version it was read at."""

from datetime import date
from decimal import Decimal
from typing import Any

from services.production.lots import Disposition, DispositionKind, Grade, Lot, LotNotFound
from services.production.store_values import date_of, day, exact
from services.production.units import Quantity, Unit
from shared import pages
from shared.database import ConcurrentChange, Document, Transaction

LOTS = "lots"

INDEXES = {LOTS: [pages.index_in_order("by_source", "source_id")]}

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
    if lots:
        await tx.db[LOTS].insert_many([to_document(lot) for lot in lots], session=tx.session)


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
