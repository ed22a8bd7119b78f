"""The feed's entries as earlier versions stored them, brought to this version's shape at start."""

from functools import partial

from bson import ObjectId

from services.notifications.feed.store import FEED
from shared.storage.database import POSITIONS, ServiceDatabase, Transaction
from shared.storage.indexes import drop_retired_index

KEYED_BY_EVENT = "keyed_by_event"
"""Set on the feed's counter once no entry has another key and the index that served them is gone."""
EVENT_ID_INDEX = "event_id"
"""Earlier versions' unique index of event ids: the dedupe record while entries were keyed by ObjectIds."""
UNIQUE_POSITIONS_INDEX = "position"
"""Earlier versions' unique index of positions. Positions are unique by how they are given (one counter, written
in each appending transaction), and checking it again cost a sixth of every entry's insert."""
REKEYED_PER_TRANSACTION = 1000


async def drop_unique_positions(database: ServiceDatabase) -> None:
    """At every start: an older replica has no use for it (its reads take the index of positions that replaced it)."""
    await drop_retired_index(database.db[FEED], UNIQUE_POSITIONS_INDEX)


async def key_entries_by_event(database: ServiceDatabase) -> None:
    """Earlier versions keyed an entry by an ObjectId, with a unique index on `event_id` as the consumer's dedupe
    record; an entry's `_id` is now its event's id. Their entries are rekeyed at start, a thousand per
    transaction. The index goes at the first start that finds none left: until then an older replica may still
    be writing them, mid-upgrade, and the index keeps an event from being held twice. Done once: the counter
    then says so, and later starts read only that one document."""
    counters = database.db[POSITIONS]
    if await counters.find_one({"_id": FEED, KEYED_BY_EVENT: True}) is not None:
        return
    keyed_otherwise = database.db[FEED].find({"_id": {"$type": "objectId"}}, projection=["_id"])
    ids: list[ObjectId] = [document["_id"] async for document in keyed_otherwise]
    for start in range(0, len(ids), REKEYED_PER_TRANSACTION):
        await database.transaction(partial(_rekey, ids[start : start + REKEYED_PER_TRANSACTION]))
    if ids:
        return
    await drop_retired_index(database.db[FEED], EVENT_ID_INDEX)
    await counters.update_one({"_id": FEED}, {"$set": {KEYED_BY_EVENT: True}, "$setOnInsert": {"last": 0}}, upsert=True)


async def _rekey(entry_ids: list[ObjectId], tx: Transaction) -> None:
    feed = tx.db[FEED]
    entries = await feed.find({"_id": {"$in": entry_ids}}, session=tx.session).to_list()
    await feed.delete_many({"_id": {"$in": entry_ids}}, session=tx.session)
    if entries:  # the unique index on event_id is still there: an event has at most one of these
        await feed.insert_many([{**entry, "_id": entry["event_id"]} for entry in entries], session=tx.session)
