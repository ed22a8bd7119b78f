"""The marketplace's read model of what lots come from: harvests and batches, their day, whether food, and the
hours each (opaque) participant was credited with, which divide the premi."""

from datetime import date

from services.marketplace.sources.domain import Source, hours_of
from shared.contracts.production import BatchProduced, Credit, HarvestRecorded
from shared.storage.awaited import await_facts
from shared.storage.database import Document, ServiceDatabase, Transaction
from shared.storage.migrations import rewrite_documents
from shared.storage.values import amount_of, day_of, older_amount, older_day, stored_amount, stored_day

SOURCES = "sources"


async def learn_harvest(tx: Transaction, harvest: HarvestRecorded) -> None:
    await _save(tx, harvest.harvest_id, "harvest", harvest.programme_id, harvest.harvested_on, False, harvest.credits)


async def learn_batch(tx: Transaction, batch: BatchProduced) -> None:
    await _save(tx, batch.batch_id, "batch", batch.programme_id, batch.produced_on, batch.food, batch.credits)


async def _save(
    tx: Transaction, source_id: str, kind: str, programme_id: str, on: date, food: bool, credits: list[Credit]
) -> None:
    values = {
        "kind": kind,
        "programme_id": programme_id,
        "produced_on": stored_day(on),
        "food": food,
        "hours": {participant: stored_amount(total) for participant, total in hours_of(credits).items()},
    }
    await tx.db[SOURCES].update_one({"_id": source_id}, {"$set": values}, upsert=True, session=tx.session)


async def sources(tx: Transaction, source_ids: list[str]) -> dict[str, Source]:
    """The harvests and batches learnt of those given; the others are awaited (see `shared.storage.awaited`)."""
    found = await tx.db[SOURCES].find({"_id": {"$in": source_ids}}, session=tx.session).to_list()
    known = {document["_id"]: from_document(document) for document in found if "kind" in document}
    await await_facts(tx, SOURCES, sorted(set(source_ids) - set(known)))
    return known


def from_document(document: Document) -> Source:
    return Source(
        id=document["_id"],
        kind=document["kind"],
        programme_id=document["programme_id"],
        produced_on=day_of(document["produced_on"]),
        food=document["food"],
        hours={participant: amount_of(hours) for participant, hours in document["hours"].items()},
    )


async def store_amounts_and_days(database: ServiceDatabase) -> None:
    """Sources an earlier version stored with ISO days and hours as decimal text, rewritten as midnight UTC and
    Decimal128."""
    await rewrite_documents(database, SOURCES, {"kind": {"$exists": True}}, _in_todays_form)


def _in_todays_form(document: Document) -> Document:
    today = {
        "produced_on": older_day(document["produced_on"]),
        "hours": {participant: older_amount(hours) for participant, hours in document["hours"].items()},
    }
    return {} if today == {"produced_on": document["produced_on"], "hours": document["hours"]} else today
