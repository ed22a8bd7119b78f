"""The event feed's documents, each at a position given in commit order, so a cursor never passes an entry
that has yet to commit."""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from pymongo import ASCENDING, IndexModel, ReturnDocument

from services.notifications.feed.domain import FeedEntry
from shared.database import ServiceDatabase, Transaction
from shared.errors import InvalidInput

FEED = "event_feed"
COUNTERS = "counters"
FEED_COUNTER = "event_feed"

INDEXES = {
    FEED: [
        IndexModel([("event_id", ASCENDING)], name="event_id", unique=True),
        IndexModel([("position", ASCENDING)], name="position", unique=True, sparse=True),
        IndexModel([("type", ASCENDING), ("position", ASCENDING)], name="type_in_order"),
    ],
}


class InvalidCursor(InvalidInput):
    """A cursor is the `next_cursor` of an earlier page."""


async def append_to_feed(tx: Transaction, entries: Sequence[FeedEntry]) -> None:
    """Give the entries the next positions in the same transaction: every append writes the one counter, so
    appends commit one after another and positions rise in commit order."""
    last = await next_position(tx, taking=len(entries))
    received_at = datetime.now(UTC)
    documents = [
        {**asdict(entry), "position": position, "received_at": received_at}
        for position, entry in enumerate(entries, start=last - len(entries) + 1)
    ]
    await tx.db[FEED].insert_many(documents, session=tx.session)


async def next_position(tx: Transaction, *, taking: int = 1) -> int:
    """Take `taking` positions; the last of them."""
    counter = await tx.db[COUNTERS].find_one_and_update(
        {"_id": FEED_COUNTER},
        {"$inc": {"position": taking}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
        session=tx.session,
    )
    assert counter is not None  # upserted
    position: int = counter["position"]
    return position


async def feed_page(
    database: ServiceDatabase, *, after: str | None, types: list[str] | None, limit: int
) -> tuple[list[FeedEntry], str | None]:
    """Entries after the cursor, in commit order, of `types` (None: any), and the cursor of the last one."""
    query: dict[str, object] = {"position": {"$gt": position_of(after)}}
    if types is not None:
        query["type"] = {"$in": types}
    documents = await database.db[FEED].find(query, sort=[("position", ASCENDING)], limit=limit).to_list()
    entries = [FeedEntry(**{name: document[name] for name in FeedEntry.__dataclass_fields__}) for document in documents]
    cursor = str(documents[-1]["position"]) if documents else after
    return entries, cursor


def position_of(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isascii() or not cursor.isdigit():
        raise InvalidCursor("Unknown cursor.", field="after")
    return int(cursor)


async def place_unpositioned(database: ServiceDatabase) -> None:
    """Give entries stored before positions existed theirs, in the order they were received (once, at start)."""
    unplaced = database.db[FEED].find({"position": {"$exists": False}}, sort=[("_id", ASCENDING)])
    async for document in unplaced:

        async def place(tx: Transaction, entry_id: object = document["_id"]) -> None:
            position = await next_position(tx)
            await tx.db[FEED].update_one({"_id": entry_id}, {"$set": {"position": position}}, session=tx.session)

        await database.transaction(place)
