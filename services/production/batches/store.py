"""The batches collection: what workshop runs made, and how much of it is graded into lots."""

from pymongo import ASCENDING, IndexModel

from services.production.batches.domain import Batch, BatchNotFound, DuplicateBatchCode
from services.production.credits import store as credits
from services.production.sites import store as sites
from shared.storage import pages
from shared.storage.database import Document, ServiceDatabase, Transaction
from shared.storage.values import amount_of, day_of, day_or_none, stored_amount, stored_day, stored_day_or_none

BATCHES = "batches"

LISTED = {BATCHES: "created_at"}
"""Listed in commit order; records from before positions existed are placed by this field at start."""

INDEXES = {
    BATCHES: [
        pages.index_in_order("by_cycle", "cycle_id"),
        pages.index_in_order("by_programme", "programme_id"),
        pages.index_in_order("in_order"),
        IndexModel([("cycle_id", ASCENDING), ("batch_code", ASCENDING)], name="code_per_cycle", unique=True),
    ],
}

FIELDS = ("batch_code", "cycle_id", "programme_id", "site_id", "product", "units", "food", "created_at", "version")


def to_document(batch: Batch) -> Document:
    return {
        "_id": batch.id,
        **{name: getattr(batch, name) for name in FIELDS},
        "produced_on": stored_day(batch.produced_on),
        "best_before": stored_day_or_none(batch.best_before),
        "credits": credits.to_documents(batch.credits),
        "graded": stored_amount(batch.graded),
    }


def from_document(document: Document) -> Batch:
    return Batch(
        id=document["_id"],
        **{name: document[name] for name in FIELDS},
        produced_on=day_of(document["produced_on"]),
        best_before=day_or_none(document["best_before"]),
        credits=credits.from_documents(document["credits"]),
        graded=amount_of(document["graded"]),
    )


async def save_batch(tx: Transaction, batch: Batch) -> None:
    taken = DuplicateBatchCode("The cycle already has a batch with this code.", field="batch_code")
    await tx.save_versioned(BATCHES, to_document(batch), duplicate=taken, listed=True)


async def batch(tx: Transaction, batch_id: str, *, reach: str | None = None) -> Batch:
    """The batch; one on a site beyond `reach` (None: every facility) is not found."""
    document = await tx.document(BATCHES, batch_id)
    if document is None or not await sites.reaches(tx, document["site_id"], reach):
        raise BatchNotFound(f"No batch {batch_id}.", field="batch_id")
    return from_document(document)


async def batches_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    cycle_id: str | None,
    programme_id: str | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Batch]:
    """Batches on the sites within `reach`, oldest first; the filters narrow that, never widen it."""
    query = pages.only(cycle_id=cycle_id, programme_id=programme_id)
    if limit_to := await sites.reached(database, reach):
        query["$and"] = [limit_to]
    return await pages.page(database.db[BATCHES], query, from_document, after=after, limit=limit)
