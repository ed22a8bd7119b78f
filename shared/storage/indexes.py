"""The indexes every service's database needs for its plumbing (outbox, dedupe records), and merging a
service's own with them. The outbox holds only unpublished records (each is deleted once Kafka has it), so its
oldest-first read goes by `_id` and needs no index of its own."""

import contextlib
from datetime import timedelta

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import OperationFailure

from shared.storage.database import OUTBOX, PROCESSED_EVENTS, Document

PROCESSED_EVENTS_RETENTION = timedelta(days=30)

PLUMBING_INDEXES: dict[str, list[IndexModel]] = {
    OUTBOX: [IndexModel([("key", ASCENDING)], name="by_aggregate")],
    PROCESSED_EVENTS: [
        IndexModel([("consumer", ASCENDING), ("event_id", ASCENDING)], name="consumer_event", unique=True),
        IndexModel(
            [("handled_at", ASCENDING)],
            name="handled_ttl",
            expireAfterSeconds=int(PROCESSED_EVENTS_RETENTION.total_seconds()),
        ),
    ],
}


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
