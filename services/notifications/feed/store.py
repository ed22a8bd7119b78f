"""The event feed's documents, each at a position given in commit order, so a cursor never passes an entry
that has yet to commit, and at a position in agencies' order: the same, or for an entry whose links were learnt
after it, the position it was given then; and the start-up migrations of the entries earlier versions stored."""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from functools import partial

from bson import ObjectId
from pymongo import ASCENDING, IndexModel, UpdateOne

from services.notifications.feed.domain import Audience, FeedEntry
from services.notifications.links.domain import Scope
from shared.errors import InvalidInput
from shared.storage import pages
from shared.storage.database import POSITION, POSITIONS, Document, ServiceDatabase, Transaction
from shared.storage.indexes import drop_retired_index

FEED = "event_feed"
LISTED = {FEED: "_id"}
"""Entries from before positions existed are placed in the order received, at start."""
LINK_WAIT = timedelta(minutes=10)
"""How long an agency's feed waits at an entry whose programme is not known yet before passing it over; passed
over, it comes in the agency's feed at the position it is given once its links are learnt."""
AGENCY_POSITION = "agency_position"
"""Where an agency's reads find an entry: its position when it came with whom it concerns, else the position it
was given when that was learnt. Staff, and agencies that read every programme, read by `position`."""

INDEXES = {  # an entry's `_id` is its event's id: unique, and so this consumer's dedupe record, with no index more
    FEED: [
        # Not unique: positions are unique by how they are given. Not on position alone either, the keys of earlier
        # versions' unique index, as a database refuses a second index of the same keys with other options.
        IndexModel([(POSITION, ASCENDING), ("type", ASCENDING)], name="in_commit_order"),
        IndexModel([("type", ASCENDING), (POSITION, ASCENDING)], name="type_in_commit_order"),
        IndexModel([(AGENCY_POSITION, ASCENDING), ("type", ASCENDING)], name="in_agencies_order"),
        IndexModel([("type", ASCENDING), (AGENCY_POSITION, ASCENDING)], name="type_in_agencies_order"),
    ],
}
KEYED_BY_EVENT = "keyed_by_event"
"""Set on the feed's counter once no entry has another key and the index that served them is gone."""
EVENT_ID_INDEX = "event_id"
"""Earlier versions' unique index of event ids: the dedupe record while entries were keyed by ObjectIds."""
UNIQUE_POSITIONS_INDEX = "position"
"""Earlier versions' unique index of positions. Positions are unique by how they are given (one counter, written
in each appending transaction), and checking it again cost a sixth of every entry's insert."""
REKEYED_PER_TRANSACTION = 1000


class InvalidCursor(InvalidInput):
    """A cursor is the `next_cursor` of an earlier page."""


def to_document(entry: FeedEntry, audience: Audience) -> Document:
    """Shallow: an event's payload is written as it is, not deep-copied first as asdict would."""
    return {"_id": entry.event_id, **vars(entry), **vars(audience)}


def from_document(document: Document) -> FeedEntry:
    return FeedEntry(**{name: document[name] for name in FeedEntry.__dataclass_fields__})


async def append_to_feed(tx: Transaction, entries: Sequence[tuple[FeedEntry, Audience]]) -> None:
    """The entries, at the feed's next positions in commit order, with one bulk write."""
    received_at = datetime.now(UTC)
    positions = await tx.take_positions(FEED, len(entries))
    documents = [
        {**to_document(entry, audience), POSITION: position, AGENCY_POSITION: position, "received_at": received_at}
        for position, (entry, audience) in zip(positions, entries, strict=True)
    ]
    await tx.insert_once_per_event(FEED, documents)


async def scope_entries(tx: Transaction, scopes: dict[str, Scope]) -> None:
    """Entries that waited for their links, given whom they concern and a new place in agencies' order (the
    feed's next positions, in this transaction's commit order): an agency's cursor that passed one while it
    waited, however long ago, finds it after the cursor now."""
    if not scopes:
        return
    positions = await tx.take_positions(FEED, len(scopes))
    audiences = {
        event_id: {"$set": {**asdict(Audience.of(scope)), AGENCY_POSITION: position}}
        for position, (event_id, scope) in zip(positions, scopes.items(), strict=True)
    }
    found = await tx.db[FEED].bulk_write(
        [UpdateOne({"_id": event_id, "waiting": True}, audience) for event_id, audience in audiences.items()],
        session=tx.session,
    )
    if found.matched_count < len(audiences):  # an older replica's entries, keyed otherwise until rekeyed (below)
        writes = [
            UpdateOne({"event_id": event_id, "waiting": True}, audience) for event_id, audience in audiences.items()
        ]
        await tx.db[FEED].bulk_write(writes, session=tx.session)


async def feed_page(
    database: ServiceDatabase, *, after: str | None, types: list[str] | None, agency: str | None, limit: int
) -> tuple[list[FeedEntry], str | None]:
    """Entries after the cursor, in commit order, of `types` (None: any), and the cursor of the last one.

    With `agency`, only entries bound to no programme or to that agency's, in agencies' order; the page ends
    before an entry still waiting to learn whom it concerns (it may turn out to be the agency's), unless it has
    waited longer than LINK_WAIT: it is passed over then, and comes after the cursor once its links are learnt.
    """
    order = POSITION if agency is None else AGENCY_POSITION
    query: dict[str, object] = {order: {"$gt": position_of(after)}}
    if types is not None:
        query["type"] = {"$in": types}
    if agency is not None:
        query["$or"] = [{"bound": {"$ne": True}}, {"agency_ids": agency}, {"waiting": True}]
    documents = await database.db[FEED].find(query, sort=[(order, ASCENDING)], limit=limit).to_list()
    if agency is not None:
        documents = _before_the_first_waiting(documents, datetime.now(UTC) - LINK_WAIT)
    entries = [from_document(document) for document in documents]
    cursor = str(documents[-1][order]) if documents else after
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


async def upgrade_feed(database: ServiceDatabase) -> bool:
    """The start-up migration of the entries and indexes earlier versions stored: entries placed in commit order
    first (by their ObjectIds), then rekeyed; unfinished (run again at the next start) until a start finds no
    entry left to rekey."""
    await drop_unique_positions(database)
    await pages.place_unpositioned(database, LISTED)
    return await key_entries_by_event(database)


async def place_for_agencies(database: ServiceDatabase) -> bool:
    """Entries stored before agencies' order existed are at their position in it (an entry that waited then
    and is given its links later moves on from there). Unfinished (run again at the next start) while a start
    finds any to place: an older replica may still be writing them, mid-upgrade."""
    unplaced = {AGENCY_POSITION: {"$exists": False}, POSITION: {"$exists": True}}
    placed = await database.db[FEED].update_many(unplaced, [{"$set": {AGENCY_POSITION: f"${POSITION}"}}])
    return placed.matched_count == 0


async def drop_unique_positions(database: ServiceDatabase) -> None:
    """An older replica has no use for it (its reads take the index of positions that replaced it)."""
    await drop_retired_index(database.db[FEED], UNIQUE_POSITIONS_INDEX)


async def key_entries_by_event(database: ServiceDatabase) -> bool:
    """Earlier versions keyed an entry by an ObjectId, with a unique index on `event_id` as the consumer's dedupe
    record; an entry's `_id` is now its event's id. Their entries are rekeyed a thousand per transaction. The
    index goes at the first run that finds none left: until then an older replica may still be writing them,
    mid-upgrade, and the index keeps an event from being held twice. Done once: the counter then says so, and
    later runs read only that one document. True once the index is gone."""
    if await database.read(lambda tx: tx.document(POSITIONS, {"_id": FEED, KEYED_BY_EVENT: True})) is not None:
        return True
    keyed_otherwise = database.db[FEED].find({"_id": {"$type": "objectId"}}, projection=["_id"])
    ids: list[ObjectId] = [document["_id"] async for document in keyed_otherwise]
    for start in range(0, len(ids), REKEYED_PER_TRANSACTION):
        await database.transaction(partial(_rekey, ids[start : start + REKEYED_PER_TRANSACTION]))
    if ids:
        return False
    await drop_retired_index(database.db[FEED], EVENT_ID_INDEX)
    await database.db[POSITIONS].update_one(
        {"_id": FEED}, {"$set": {KEYED_BY_EVENT: True}, "$setOnInsert": {"last": 0}}, upsert=True
    )
    return True


async def _rekey(entry_ids: list[ObjectId], tx: Transaction) -> None:
    feed = tx.db[FEED]
    entries = await feed.find({"_id": {"$in": entry_ids}}, session=tx.session).to_list()
    await feed.delete_many({"_id": {"$in": entry_ids}}, session=tx.session)
    if entries:  # the unique index on event_id is still there: an event has at most one of these
        await feed.insert_many([{**entry, "_id": entry["event_id"]} for entry in entries], session=tx.session)
