"""The marketplace's read model of what lots come from: harvests and batches, their day, whether food, and the
hours each (opaque) participant was credited with, which divide the premi."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared.contracts.production import BatchProduced, Credit, HarvestRecorded
from shared.storage.awaited import await_facts
from shared.storage.database import Document, Transaction

SOURCES = "sources"


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    programme_id: str
    produced_on: date
    food: bool
    hours: dict[str, Decimal]
    """Participant id -> hours credited, for the premi."""


async def learn_harvest(tx: Transaction, harvest: HarvestRecorded) -> None:
    await _save(tx, harvest.harvest_id, "harvest", harvest.programme_id, harvest.harvested_on, False, harvest.credits)


async def learn_batch(tx: Transaction, batch: BatchProduced) -> None:
    await _save(tx, batch.batch_id, "batch", batch.programme_id, batch.produced_on, batch.food, batch.credits)


async def _save(
    tx: Transaction, source_id: str, kind: str, programme_id: str, on: date, food: bool, credits: list[Credit]
) -> None:
    hours: dict[str, Decimal] = {}
    for credit in credits:
        hours[credit.participant_id] = hours.get(credit.participant_id, Decimal(0)) + credit.hours
    values = {
        "kind": kind,
        "programme_id": programme_id,
        "produced_on": on.isoformat(),
        "food": food,
        "hours": {participant: format(total, "f") for participant, total in hours.items()},
    }
    await tx.db[SOURCES].update_one({"_id": source_id}, {"$set": values}, upsert=True, session=tx.session)


async def sources(tx: Transaction, source_ids: list[str]) -> dict[str, Source]:
    """The harvests and batches learnt of those given; the others are awaited (see `shared.storage.awaited`)."""
    found = await tx.db[SOURCES].find({"_id": {"$in": source_ids}}, session=tx.session).to_list()
    known = {document["_id"]: _source(document) for document in found if "kind" in document}
    await await_facts(tx, SOURCES, sorted(set(source_ids) - set(known)))
    return known


def _source(document: Document) -> Source:
    return Source(
        id=document["_id"],
        kind=document["kind"],
        programme_id=document["programme_id"],
        produced_on=date.fromisoformat(document["produced_on"]),
        food=document["food"],
        hours={participant: Decimal(hours) for participant, hours in document["hours"].items()},
    )
