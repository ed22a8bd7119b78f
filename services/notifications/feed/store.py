"""The event feed's documents, with a cursor in insertion order."""

from dataclasses import asdict
from datetime import UTC, datetime

from bson import ObjectId
from bson.errors import InvalidId
from pymongo import ASCENDING, IndexModel

from services.notifications.feed.domain import FeedEntry
from shared.database import ServiceDatabase, Transaction
from shared.errors import InvalidInput

FEED = "event_feed"

INDEXES = {
    FEED: [
        IndexModel([("event_id", ASCENDING)], name="event_id", unique=True),
        IndexModel([("type", ASCENDING), ("_id", ASCENDING)], name="type_in_order"),
    ],
}


class InvalidCursor(InvalidInput):
    """A cursor is the `next_cursor` of an earlier page."""


async def append_to_feed(tx: Transaction, entry: FeedEntry) -> None:
    await tx.db[FEED].insert_one({**asdict(entry), "received_at": datetime.now(UTC)}, session=tx.session)


async def feed_page(
    database: ServiceDatabase, *, after: str | None, types: list[str] | None, limit: int
) -> tuple[list[FeedEntry], str | None]:
    """Entries after the cursor, oldest first, of `types` (None: any), and the cursor of the last one."""
    query: dict[str, object] = {}
    if after:
        try:
            query["_id"] = {"$gt": ObjectId(after)}
        except InvalidId:
            raise InvalidCursor("Unknown cursor.", field="after") from None
    if types is not None:
        query["type"] = {"$in": types}
    documents = await database.db[FEED].find(query, sort=[("_id", 1)], limit=limit).to_list()
    entries = [FeedEntry(**{name: document[name] for name in FeedEntry.__dataclass_fields__}) for document in documents]
    cursor = str(documents[-1]["_id"]) if documents else after
    return entries, cursor
