"""The marketplace's read model of programmes: each one's partner agency and name."""

from pymongo import ASCENDING, IndexModel

from services.marketplace.programmes.domain import Programme
from shared.storage.awaited import await_facts
from shared.storage.database import Document, Transaction

PROGRAMMES = "programmes"

INDEXES = {PROGRAMMES: [IndexModel([("agency_id", ASCENDING)], name="by_agency")]}


async def learn(tx: Transaction, *, programme_id: str, agency_id: str, name: str, sequence: int) -> bool:
    """Keep the programme as of its latest event; an older or repeated one changes nothing. True when changed."""
    known = await tx.document(PROGRAMMES, programme_id)
    if known is not None and known.get("sequence", 0) >= sequence:
        return False
    values = {"agency_id": agency_id, "name": name, "sequence": sequence}
    await tx.db[PROGRAMMES].update_one({"_id": programme_id}, {"$set": values}, upsert=True, session=tx.session)
    return known is None or (known.get("agency_id"), known.get("name")) != (agency_id, name)


async def programmes(tx: Transaction, programme_ids: list[str]) -> dict[str, Programme]:
    """The programmes learnt of those given; the others are awaited (see `shared.storage.awaited`)."""
    found = await tx.db[PROGRAMMES].find({"_id": {"$in": programme_ids}}, session=tx.session).to_list()
    known = {document["_id"]: from_document(document) for document in found if "agency_id" in document}
    await await_facts(tx, PROGRAMMES, sorted(set(programme_ids) - set(known)))
    return known


async def programme_ids_of(tx: Transaction, agency_id: str) -> list[str]:
    found = tx.db[PROGRAMMES].find({"agency_id": agency_id}, projection=["_id"], session=tx.session)
    return [document["_id"] for document in await found.to_list()]


def from_document(document: Document) -> Programme:
    return Programme(document["_id"], document["agency_id"], document["name"])
