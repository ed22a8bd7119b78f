"""The lots collection: each lot with its dispositions, replaced only over the version it was read at."""

from pymongo import ASCENDING, IndexModel
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.production.lots.domain import (
    Disposition,
    DispositionKind,
    DuplicateLotCode,
    Grade,
    HoldState,
    Lot,
    LotNotFound,
    OrderHold,
)
from services.production.quantities.store import quantity_of
from services.production.sites import store as sites
from shared.storage import pages
from shared.storage.database import DUPLICATE_KEY, POSITION, Document, ServiceDatabase, Transaction
from shared.storage.values import amount_of, day_of, day_or_none, stored_amount, stored_day, stored_day_or_none

LOTS = "lots"

LISTED = {LOTS: "created_at"}
"""Listed in commit order; records from before positions existed are placed by this field at start."""

INDEXES = {
    LOTS: [
        pages.index_in_order("by_source", "source_id"),
        pages.index_in_order("by_grade", "grade"),
        pages.index_in_order("by_release", "released_for_sale"),
        pages.index_in_order("in_order"),
        IndexModel([("lot_code", ASCENDING)], name="lot_code", unique=True),
    ]
}

FIELDS = (
    "lot_code",
    "source",
    "source_id",
    "cycle_id",
    "programme_id",
    "site_id",
    "commodity",
    "released_for_sale",
    "created_at",
    "version",
)
DISPOSITION_FIELDS = ("recipient", "reason", "recorded_at", "sale_id")


def to_document(lot: Lot) -> Document:
    return {
        "_id": lot.id,
        **{name: getattr(lot, name) for name in FIELDS},
        "grade": lot.grade.value,
        "quantity": stored_amount(lot.quantity.amount),
        "unit": lot.quantity.unit.value,
        "best_before": stored_day_or_none(lot.best_before),
        "dispositions": [disposition_to_document(d) for d in lot.dispositions],
        "holds": [hold_to_document(hold) for hold in lot.holds],
    }


def hold_to_document(hold: OrderHold) -> Document:
    return {
        "hold_id": hold.hold_id,
        "order_id": hold.order_id,
        "quantity": stored_amount(hold.quantity),
        "state": hold.state.value,
        "answered_at": hold.answered_at,
    }


def hold_from_document(stored: Document) -> OrderHold:
    return OrderHold(
        stored["hold_id"], stored["order_id"], amount_of(stored["quantity"]), HoldState(stored["state"]),
        stored["answered_at"],
    )  # fmt: skip


def disposition_to_document(disposition: Disposition) -> Document:
    return {
        "kind": disposition.kind.value,
        "quantity": stored_amount(disposition.quantity.amount),
        "on": stored_day(disposition.on),
        **{name: getattr(disposition, name) for name in DISPOSITION_FIELDS},
    }


def disposition_from_document(stored: Document, unit: str) -> Disposition:
    return Disposition(
        kind=DispositionKind(stored["kind"]),
        quantity=quantity_of(stored["quantity"], unit),
        on=day_of(stored["on"]),
        recipient=stored["recipient"],
        reason=stored["reason"],
        recorded_at=stored["recorded_at"],
        # Dispositions recorded before sales were accounted have no sale_id.
        sale_id=stored.get("sale_id"),
    )


def from_document(document: Document) -> Lot:
    return Lot(
        id=document["_id"],
        **{name: document[name] for name in FIELDS},
        grade=Grade(document["grade"]),
        quantity=quantity_of(document["quantity"], document["unit"]),
        best_before=day_or_none(document["best_before"]),
        dispositions=tuple(disposition_from_document(d, document["unit"]) for d in document["dispositions"]),
        # Lots stored before marketplace orders' holds were reserved have none.
        holds=tuple(hold_from_document(hold) for hold in document.get("holds", [])),
    )


async def add_lots(tx: Transaction, lots: list[Lot]) -> None:
    """Insert new lots; DuplicateLotCode when a code is taken, by an earlier lot or within these."""
    # Not save_versioned: the lots of one grading are inserted together, and a taken code is named.
    codes = [lot.lot_code for lot in lots]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise DuplicateLotCode(f"Lot code {repeated[0]!r} is given twice.", field="lot_code")
    try:
        if lots:
            positions = await tx.take_positions(LOTS, len(lots))
            documents = [{**to_document(lot), POSITION: at} for lot, at in zip(lots, positions, strict=True)]
            await tx.db[LOTS].insert_many(documents, session=tx.session)
    except (DuplicateKeyError, BulkWriteError) as error:
        if not _duplicate_key(error):
            raise
        taken = await tx.db[LOTS].distinct("lot_code", {"lot_code": {"$in": codes}})
        raise DuplicateLotCode(f"Lot code {', '.join(map(repr, taken))} is taken.", field="lot_code") from None


def _duplicate_key(error: DuplicateKeyError | BulkWriteError) -> bool:
    if isinstance(error, DuplicateKeyError):
        return True
    failures = error.details.get("writeErrors", [])
    return bool(failures) and all(failure["code"] == DUPLICATE_KEY for failure in failures)


async def lot(tx: Transaction, lot_id: str, *, reach: str | None = None) -> Lot:
    """The lot; one on a site beyond `reach` (None: every facility, as for the marketplace's holds) is not found."""
    document = await tx.document(LOTS, lot_id)
    if document is None or not await sites.reaches(tx, document["site_id"], reach):
        raise LotNotFound(f"No lot {lot_id}.", field="lot_id")
    return from_document(document)


async def save_lot(tx: Transaction, changed: Lot) -> None:
    await tx.save_versioned(LOTS, to_document(changed))


async def lots_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    harvest_id: str | None,
    batch_id: str | None,
    grade: Grade | None,
    released: bool | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Lot]:
    """Lots on the sites within `reach`, oldest first; the filters narrow that, never widen it."""
    # A batch id, when given, wins over a harvest id: a lot comes from one source.
    source = "batch" if batch_id is not None else "harvest" if harvest_id is not None else None
    source_id = batch_id if batch_id is not None else harvest_id
    query = pages.only(
        source=source, source_id=source_id, grade=grade.value if grade else None, released_for_sale=released
    )
    if limit_to := await sites.reached(database, reach):
        query["$and"] = [limit_to]
    return await pages.page(database.db[LOTS], query, from_document, after=after, limit=limit)
