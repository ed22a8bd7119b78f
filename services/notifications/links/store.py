"""Links learnt from events (in `aggregate_links`, the collection's first name) and the events waiting for one
(`awaiting_links`)."""

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from pymongo import ASCENDING, IndexModel, UpdateOne

from services.notifications.links.domain import Link
from shared.messaging.envelope import Envelope
from shared.storage.awaited import await_facts
from shared.storage.database import Document, Transaction

LINKS = "aggregate_links"
AWAITING = "awaiting_links"

INDEXES = {AWAITING: [IndexModel([("waiting_on", ASCENDING)], name="waiting_on")]}


def from_document(document: Document) -> Link:
    """A link only awaited so far has none of its fields yet."""
    return Link(
        key=document["_id"], **{name: document.get(name) for name in Link.__dataclass_fields__ if name != "key"}
    )


async def learn(tx: Transaction, links: Sequence[Link]) -> None:
    """Merge what each link tells into what was known (a later event adds, never erases)."""
    if not links:
        return
    writes = [
        UpdateOne(
            {"_id": link.key},
            {"$set": {name: value for name, value in asdict(link).items() if name != "key" and value is not None}},
            upsert=True,
        )
        for link in links
    ]
    await tx.db[LINKS].bulk_write(writes, ordered=True, session=tx.session)


async def links(tx: Transaction, keys: Iterable[str]) -> dict[str, Link]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    documents = await tx.db[LINKS].find({"_id": {"$in": wanted}}, session=tx.session).to_list()
    return {document["_id"]: from_document(document) for document in documents}


async def park(tx: Transaction, waiting: Sequence[tuple[Envelope, frozenset[str]]]) -> None:
    """Keep events until the links they wait for are learnt; the links are awaited (see `shared.storage.awaited`), so a
    concurrent transaction learning one (another partition) cannot miss the event parked here, nor it the link."""
    if not waiting:
        return
    now = datetime.now(UTC)
    await await_facts(tx, LINKS, sorted({k for _, keys in waiting for k in keys}))
    writes = [
        UpdateOne(
            {"_id": envelope.id},
            {"$set": {"envelope": envelope.model_dump_json(), "waiting_on": sorted(keys), "parked_at": now}},
            upsert=True,
        )
        for envelope, keys in waiting
    ]
    await tx.db[AWAITING].bulk_write(writes, session=tx.session)


async def woken_by(tx: Transaction, keys: Iterable[str]) -> list[Envelope]:
    """The parked events waiting for any of `keys`, taken out (parked again if still waiting)."""
    learnt = sorted(set(keys))
    if not learnt:
        return []
    documents = await tx.db[AWAITING].find({"waiting_on": {"$in": learnt}}, session=tx.session).to_list()
    if documents:
        ids = [document["_id"] for document in documents]
        await tx.db[AWAITING].delete_many({"_id": {"$in": ids}}, session=tx.session)
    return [Envelope.model_validate_json(document["envelope"]) for document in documents]
