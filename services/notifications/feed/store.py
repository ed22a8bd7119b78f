"""The event feed's documents, each at a position given in commit order, so a cursor never passes an entry
that has yet to commit."""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING, IndexModel, UpdateOne

from services.notifications.aggregates.domain import Scope
from services.notifications.feed.domain import FeedEntry, Reach
from shared.errors import InvalidInput
from shared.storage.database import POSITION, Document, ServiceDatabase, Transaction

FEED = "event_feed"
LISTED = {FEED: "_id"}
"""Entries from before positions existed are placed in the order received, at start."""
LINK_WAIT = timedelta(minutes=10)
"""How long an agency's feed waits at an entry whose programme is not known yet before passing it over."""

INDEXES = {  # an entry's `_id` is its event's id: unique, and so this consumer's dedupe record, with no index more
    FEED: [
        # Not unique: positions are unique by how they are given. Not on position alone either, the keys of earlier
        # versions' unique index, as a database refuses a second index of the same keys with other options.
        IndexModel([(POSITION, ASCENDING), ("type", ASCENDING)], name="in_commit_order"),
        IndexModel([("type", ASCENDING), (POSITION, ASCENDING)], name="type_in_commit_order"),
    ],
}


class InvalidCursor(InvalidInput):
    """A cursor is the `next_cursor` of an earlier page."""


async def append_to_feed(tx: Transaction, entries: Sequence[tuple[FeedEntry, Reach]]) -> None:
    """The entries, at the feed's next positions in commit order, with one bulk write."""
    received_at = datetime.now(UTC)
    positions = await tx.take_positions(FEED, len(entries))
    documents = [  # shallow: an event's payload is written as it is, not deep-copied first as asdict would
        {"_id": entry.event_id, **vars(entry), **vars(reach), POSITION: position, "received_at": received_at}
        for position, (entry, reach) in zip(positions, entries, strict=True)
    ]
    await tx.insert_once_per_event(FEED, documents)


async def scope_entries(tx: Transaction, scopes: dict[str, Scope]) -> None:
    """Entries that waited for their links, given whom they concern."""
    if not scopes:
        return
    reaches = {event_id: {"$set": asdict(Reach.of(scope))} for event_id, scope in scopes.items()}
    found = await tx.db[FEED].bulk_write(
        [UpdateOne({"_id": event_id}, reach) for event_id, reach in reaches.items()], session=tx.session
    )
    if found.matched_count < len(reaches):  # an older replica's entries, keyed otherwise until rekeyed (upgrades.py)
        writes = [UpdateOne({"event_id": event_id}, reach) for event_id, reach in reaches.items()]
        await tx.db[FEED].bulk_write(writes, session=tx.session)


async def feed_page(
    database: ServiceDatabase, *, after: str | None, types: list[str] | None, agency: str | None, limit: int
) -> tuple[list[FeedEntry], str | None]:
    """Entries after the cursor, in commit order, of `types` (None: any), and the cursor of the last one.

    With `agency`, only entries bound to no programme or to that agency's; the page ends before an entry
    still waiting to learn whom it concerns (it may turn out to be the agency's), unless it has waited longer
    than LINK_WAIT, when it is passed over as another's.
    """
    query: dict[str, object] = {POSITION: {"$gt": position_of(after)}}
    if types is not None:
        query["type"] = {"$in": types}
    if agency is not None:
        query["$or"] = [{"bound": {"$ne": True}}, {"agency_ids": agency}, {"waiting": True}]
    documents = await database.db[FEED].find(query, sort=[(POSITION, ASCENDING)], limit=limit).to_list()
    if agency is not None:
        documents = _before_the_first_waiting(documents, datetime.now(UTC) - LINK_WAIT)
    entries = [FeedEntry(**{name: document[name] for name in FeedEntry.__dataclass_fields__}) for document in documents]
    cursor = str(documents[-1][POSITION]) if documents else after
    return entries, cursor


def _before_the_first_waiting(documents: list[Document], given_up_before: datetime) -> list[Document]:
    shown = []
    for document in documents:
        if document.get("waiting"):
            if document["received_at"] > given_up_before:
                break
            continue  # waited too long: passed over (it is still shown to staff)
        shown.append(document)
    return shown


def position_of(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isascii() or not cursor.isdigit():
        raise InvalidCursor("Unknown cursor.", field="after")
    return int(cursor)
