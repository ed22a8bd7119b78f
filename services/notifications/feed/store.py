"""The event feed's documents, each at a position given in commit order, so a cursor never passes an entry
that has yet to commit."""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from pymongo import ASCENDING, IndexModel

from services.notifications.feed.domain import FeedEntry
from shared.database import POSITION, ServiceDatabase, Transaction
from shared.errors import InvalidInput

FEED = "event_feed"
LISTED = {FEED: "_id"}
"""Entries from before positions existed are placed in the order received, at start."""

INDEXES = {
    FEED: [
        IndexModel([("event_id", ASCENDING)], name="event_id", unique=True),
        IndexModel([(POSITION, ASCENDING)], name=POSITION, unique=True, sparse=True),
        IndexModel([("type", ASCENDING), (POSITION, ASCENDING)], name="type_in_commit_order"),
    ],
}


class InvalidCursor(InvalidInput):
    """A cursor is the `next_cursor` of an earlier page."""


async def append_to_feed(tx: Transaction, entries: Sequence[FeedEntry]) -> None:
    """The entries, at the feed's next positions in commit order, with one bulk write."""
    received_at = datetime.now(UTC)
    positions = await tx.take_positions(FEED, len(entries))
    documents = [
        {**asdict(entry), POSITION: position, "received_at": received_at}
        for position, entry in zip(positions, entries, strict=True)
    ]
    await tx.db[FEED].insert_many(documents, session=tx.session)


async def feed_page(
    database: ServiceDatabase, *, after: str | None, types: list[str] | None, limit: int
) -> tuple[list[FeedEntry], str | None]:
    """Entries after the cursor, in commit order, of `types` (None: any), and the cursor of the last one."""
    query: dict[str, object] = {POSITION: {"$gt": position_of(after)}}
    if types is not None:
        query["type"] = {"$in": types}
    documents = await database.db[FEED].find(query, sort=[(POSITION, ASCENDING)], limit=limit).to_list()
    entries = [FeedEntry(**{name: document[name] for name in FeedEntry.__dataclass_fields__}) for document in documents]
    cursor = str(documents[-1][POSITION]) if documents else after
    return entries, cursor


def position_of(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isascii() or not cursor.isdigit():
        raise InvalidCursor("Unknown cursor.", field="after")
    return int(cursor)
