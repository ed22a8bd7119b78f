"""The harvests and batches collections: what cycles yielded, and how much of it is graded into lots."""

from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from services.production.batches import Batch
from services.production.harvests import Credited, Harvest
from services.production.store_values import amount_of, date_of, day, exact
from services.production.units import Quantity, Unit
from shared import pages
from shared.database import ConcurrentChange, Document, ServiceDatabase, Transaction
from shared.errors import Conflict, NotFound

HARVESTS = "harvests"
BATCHES = "batches"

INDEXES = {
    HARVESTS: [
        pages.index_in_order("by_cycle", "cycle_id"),
        pages.index_in_order("by_programme", "programme_id"),
        pages.index_in_order("in_order"),
    ],
    BATCHES: [
        pages.index_in_order("by_cycle", "cycle_id"),
        pages.index_in_order("by_programme", "programme_id"),
        pages.index_in_order("in_order"),
        IndexModel([("cycle_id", ASCENDING), ("batch_code", ASCENDING)], name="code_per_cycle", unique=True),
    ],
}


class HarvestNotFound(NotFound):
    """No harvest has this id."""


class BatchNotFound(NotFound):
    """No batch has this id."""


class DuplicateBatchCode(Conflict):
    """Batch codes are unique within a cycle."""


def _credits(credits: tuple[Credited, ...]) -> list[Document]:
    return [
        {"participant_id": credit.participant_id, "hours": exact(credit.hours), "cohort_id": credit.cohort_id}
        for credit in credits
    ]


def _credited(stored: list[Document]) -> tuple[Credited, ...]:
    return tuple(Credited(item["participant_id"], item["hours"].to_decimal(), item.get("cohort_id")) for item in stored)


def harvest_document(harvest: Harvest) -> Document:
    return {
        "_id": harvest.id,
        **{name: getattr(harvest, name) for name in ("cycle_id", "programme_id", "site_id", "commodity", "fish_count")},
        "quantity": exact(harvest.quantity.amount),
        "unit": harvest.quantity.unit.value,
        "harvested_on": day(harvest.harvested_on),
        "credits": _credits(harvest.credits),
        "graded": exact(harvest.graded),
        "created_at": harvest.created_at,
        "version": harvest.version,
    }


def harvest_from(document: Document) -> Harvest:
    fields: dict[str, Any] = {
        name: document[name] for name in ("cycle_id", "programme_id", "site_id", "commodity", "fish_count", "version")
    }
    return Harvest(
        id=document["_id"],
        quantity=Quantity(document["quantity"].to_decimal(), Unit(document["unit"])),
        harvested_on=date_of(document["harvested_on"]),
        credits=_credited(document["credits"]),
        graded=document["graded"].to_decimal(),
        created_at=document["created_at"],
        **fields,
    )


BATCH_FIELDS = ("batch_code", "cycle_id", "programme_id", "site_id", "product", "units", "food", "version")


def batch_document(batch: Batch) -> Document:
    return {
        "_id": batch.id,
        **{name: getattr(batch, name) for name in BATCH_FIELDS},
        "produced_on": day(batch.produced_on),
        "best_before": day(batch.best_before) if batch.best_before else None,
        "credits": _credits(batch.credits),
        "graded": exact(batch.graded),
        "created_at": batch.created_at,
    }


def batch_from(document: Document) -> Batch:
    graded = amount_of(document["graded"])
    assert graded is not None
    return Batch(
        id=document["_id"],
        **{name: document[name] for name in BATCH_FIELDS},
        produced_on=date_of(document["produced_on"]),
        best_before=date_of(document["best_before"]) if document["best_before"] else None,
        credits=_credited(document["credits"]),
        graded=graded,
        created_at=document["created_at"],
    )


async def save(tx: Transaction, collection: str, document: Document) -> None:
    """Insert a first version, or replace the version before it; a lost race is a ConcurrentChange."""
    if document["version"] == 1:
        try:
            await tx.db[collection].insert_one(document, session=tx.session)
        except DuplicateKeyError:
            raise DuplicateBatchCode("The cycle already has a batch with this code.", field="batch_code") from None
        return
    previous = {"_id": document["_id"], "version": document["version"] - 1}
    result = await tx.db[collection].replace_one(previous, document, session=tx.session)
    if result.matched_count != 1:
        raise ConcurrentChange(f"{collection} {document['_id']} changed meanwhile")


async def harvest(tx: Transaction, harvest_id: str) -> Harvest:
    document = await tx.db[HARVESTS].find_one({"_id": harvest_id}, session=tx.session)
    if document is None:
        raise HarvestNotFound(f"No harvest {harvest_id}.", field="harvest_id")
    return harvest_from(document)


async def batch(tx: Transaction, batch_id: str) -> Batch:
    document = await tx.db[BATCHES].find_one({"_id": batch_id}, session=tx.session)
    if document is None:
        raise BatchNotFound(f"No batch {batch_id}.", field="batch_id")
    return batch_from(document)


def _by_cycle_and_programme(cycle_id: str | None, programme_id: str | None) -> dict[str, str]:
    return {name: value for name, value in (("cycle_id", cycle_id), ("programme_id", programme_id)) if value}


async def harvests_page(
    database: ServiceDatabase, *, cycle_id: str | None, programme_id: str | None, after: str | None, limit: int
) -> tuple[list[Harvest], str | None]:
    query = _by_cycle_and_programme(cycle_id, programme_id)
    return await pages.page(database.db[HARVESTS], query, harvest_from, after=after, limit=limit)


async def batches_page(
    database: ServiceDatabase, *, cycle_id: str | None, programme_id: str | None, after: str | None, limit: int
) -> tuple[list[Batch], str | None]:
    query = _by_cycle_and_programme(cycle_id, programme_id)
    return await pages.page(database.db[BATCHES], query, batch_from, after=after, limit=limit)
