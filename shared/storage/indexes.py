"""The indexes every service's database needs for its plumbing (outbox, dedupe records), and merging a
service's own with them; how far back the dedupe records reach. The outbox holds only unpublished records (each
is deleted once Kafka has it), so its oldest-first read goes by `_id` and needs no index of its own."""

import contextlib
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from shared.storage.database import OUTBOX, PROCESSED_EVENTS, Document, ServiceDatabase

PROCESSED_EVENTS_RETENTION: timedelta | None = None
"""For ever: event topics keep every event (`retention.ms=-1`) and a group may read again from the first (its
offsets dropped by Kafka after a week without members, or reset by an operator), so a dedupe record is kept as
long as the event it stands for."""
EARLIER_RETENTION = timedelta(days=30)
RETIRED_TTL_INDEX = "handled_ttl"
"""Earlier versions' index, which deleted a dedupe record `EARLIER_RETENTION` after it was written."""
DEDUPE_WINDOW = "dedupe_window"
"""One document: since when the dedupe records are complete, in a database whose earlier records expired."""

PLUMBING_INDEXES: dict[str, list[IndexModel]] = {
    OUTBOX: [IndexModel([("key", ASCENDING)], name="by_aggregate")],
    PROCESSED_EVENTS: [
        IndexModel([("consumer", ASCENDING), ("event_id", ASCENDING)], name="consumer_event", unique=True),
    ],
}


async def keep_dedupe_records(database: ServiceDatabase) -> None:
    """The start-up migration from dedupe records that expired: their TTL index goes, and the time before which
    records may be missing (`EARLIER_RETENTION` before now) is kept, for `dedupe_complete_since` to tell."""
    processed = database.db[PROCESSED_EVENTS]
    if RETIRED_TTL_INDEX in await processed.index_information():
        since = datetime.now(UTC) - EARLIER_RETENTION
        await database.db[DEDUPE_WINDOW].update_one(
            {"_id": PROCESSED_EVENTS}, {"$setOnInsert": {"complete_since": since}}, upsert=True
        )
        await drop_retired_index(processed, RETIRED_TTL_INDEX)


async def dedupe_complete_since(db: AsyncDatabase[Document]) -> datetime | None:
    """Since when every event handled has its dedupe record; None: since the first. Events handled before it
    and read again are kept from applying twice by their reactions alone (each is idempotent by its own state)."""
    if RETIRED_TTL_INDEX in await db[PROCESSED_EVENTS].index_information():  # not migrated yet: still expiring
        return datetime.now(UTC) - EARLIER_RETENTION
    window = await db[DEDUPE_WINDOW].find_one({"_id": PROCESSED_EVENTS})
    return None if window is None else window["complete_since"]


def merge_indexes(*indexes: dict[str, list[IndexModel]]) -> dict[str, list[IndexModel]]:
    """The indexes of a service's stores together; two stores may index one collection."""
    together: dict[str, list[IndexModel]] = {}
    for each in indexes:
        for collection, models in each.items():
            together.setdefault(collection, []).extend(models)
    return together


async def drop_retired_index(collection: AsyncCollection[Document], name: str) -> None:
    """An index an earlier version made and this one does not need; nothing if it is gone or was never made."""
    with contextlib.suppress(OperationFailure):
        await collection.drop_index(name)
