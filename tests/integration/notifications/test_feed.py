"""A reader following the feed's cursor sees every committed entry exactly once, whatever order entries commit in;
a feed stored by an earlier version (entries keyed by ObjectIds, a unique index on `event_id`) is brought to
this version's shape at start without losing an entry, its place, or the promise that an event is held once."""

import asyncio
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import pytest
from bson import ObjectId
from pymongo import ASCENDING

from services.notifications.feed import store
from services.notifications.feed.store import upgrade_feed
from services.notifications.links.domain import Scope
from shared.storage import pages
from shared.storage.database import POSITION, POSITIONS, AlreadyHandled, ServiceDatabase, Transaction
from tests.support.feed import site_registered_entry
from tests.support.services import RunningService


async def read_after(notifications: RunningService, headers: dict[str, str], cursor: str | None) -> Any:
    params = {"limit": 500} | ({"after": cursor} if cursor else {})
    response = await notifications.http.get("/events", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_entry_that_commits_after_a_later_one_is_still_read_once_by_a_cursor_that_passed_it(
    notifications: RunningService,
) -> None:
    reader = await notifications.mint_key("events:read")
    database = notifications.runtime.database
    first_appended, release_first = asyncio.Event(), asyncio.Event()

    async def slow(tx: Transaction) -> None:
        await store.append_to_feed(tx, [site_registered_entry("first")])
        first_appended.set()
        await release_first.wait()  # holds its transaction open while "second" is appended and committed

    async def quick(tx: Transaction) -> None:
        await store.append_to_feed(tx, [site_registered_entry("second")])

    slow_commit = asyncio.create_task(database.transaction(slow))
    await first_appended.wait()
    quick_commit = asyncio.create_task(database.transaction(quick))
    await asyncio.sleep(0.5)  # the quick one commits now if it can

    page = await read_after(notifications, reader, None)
    seen = [event["event_id"] for event in page["events"]]
    release_first.set()
    await asyncio.gather(slow_commit, quick_commit)

    page = await read_after(notifications, reader, page["next_cursor"])
    seen += [event["event_id"] for event in page["events"]]
    assert sorted(seen) == ["first", "second"]


async def test_entries_stored_before_positions_existed_are_placed_in_the_order_received(
    notifications: RunningService,
) -> None:
    reader = await notifications.mint_key("events:read")
    database = notifications.runtime.database
    older = [
        {**asdict(site_registered_entry(f"old-{index}")[0]), "received_at": datetime.now(UTC)} for index in range(3)
    ]
    await database.db[store.FEED].insert_many(older)
    await database.db[POSITIONS].delete_many({})  # as a database from before positions: no counter yet

    await pages.place_unpositioned(database, store.LISTED)
    page = await read_after(notifications, reader, None)
    assert [event["event_id"] for event in page["events"]] == ["old-0", "old-1", "old-2"]


def as_an_earlier_version_stored(event_id: str, position: int, *, waiting: bool = False) -> dict[str, Any]:
    feed_entry, audience = site_registered_entry(event_id, waiting=waiting)
    return {
        "_id": ObjectId(),
        **asdict(feed_entry),
        **asdict(audience),
        POSITION: position,
        "received_at": datetime.now(UTC),
    }


async def feed_of_an_earlier_version(database: ServiceDatabase, count: int) -> None:
    feed = database.db[store.FEED]
    await feed.create_index([("event_id", ASCENDING)], name=store.EVENT_ID_INDEX, unique=True)
    await feed.create_index([(POSITION, ASCENDING)], name=store.UNIQUE_POSITIONS_INDEX, unique=True, sparse=True)
    await feed.insert_many([as_an_earlier_version_stored(f"old-{index}", index + 1) for index in range(count)])
    await database.db[POSITIONS].replace_one({"_id": store.FEED}, {"last": count, "placed": True}, upsert=True)


async def read_all(notifications: RunningService) -> list[str]:
    reader = await notifications.mint_key("events:read")
    response = await notifications.http.get("/events", params={"limit": 500}, headers=reader)
    assert response.status_code == 200, response.text
    return [event["event_id"] for event in response.json()["events"]]


async def test_a_feed_begun_by_this_version_has_no_index_on_event_ids_nor_a_unique_one_on_positions(
    notifications: RunningService,
) -> None:
    database = notifications.runtime.database
    indexes = await database.db[store.FEED].index_information()
    assert store.EVENT_ID_INDEX not in indexes
    assert not [index for index in indexes.values() if index.get("unique")]  # `_id` is unique without saying so
    assert await database.db[POSITIONS].find_one({"_id": store.FEED, store.KEYED_BY_EVENT: True}) is not None


async def test_an_earlier_versions_entries_are_rekeyed_in_place_and_their_index_goes_at_the_next_start(
    notifications: RunningService,
) -> None:
    database = notifications.runtime.database
    await database.db[POSITIONS].delete_many({})
    await feed_of_an_earlier_version(database, 1500)  # more than one transaction's worth

    await upgrade_feed(database)  # the first start of this version

    feed = database.db[store.FEED]
    rekeyed = await feed.find({}, sort=[(POSITION, ASCENDING)]).to_list()
    assert [document["_id"] for document in rekeyed] == [f"old-{index}" for index in range(1500)]
    assert [document[POSITION] for document in rekeyed] == list(range(1, 1501))
    indexes = await feed.index_information()
    assert store.EVENT_ID_INDEX in indexes  # an older replica may still rely on it
    assert store.UNIQUE_POSITIONS_INDEX not in indexes  # positions are unique by how they are given

    async def handled_again(tx: Transaction) -> None:
        await store.append_to_feed(tx, [site_registered_entry("old-7")])

    with pytest.raises(AlreadyHandled):
        await database.transaction(handled_again)

    await upgrade_feed(database)  # the next start finds nothing left to rekey

    assert store.EVENT_ID_INDEX not in await feed.index_information()
    assert (await read_all(notifications))[:3] == ["old-0", "old-1", "old-2"]
    with pytest.raises(AlreadyHandled):
        await database.transaction(handled_again)


async def test_an_entry_an_older_replica_wrote_mid_upgrade_is_given_its_scope(notifications: RunningService) -> None:
    database = notifications.runtime.database
    await database.db[store.FEED].insert_one(as_an_earlier_version_stored("waited", 1, waiting=True))
    await database.db[store.FEED].insert_one({**as_an_earlier_version_stored("keyed", 2, waiting=True), "_id": "keyed"})

    async def learnt(tx: Transaction) -> None:
        await store.scope_entries(tx, {"waited": Scope(), "keyed": Scope()})

    await database.transaction(learnt)

    waiting = await database.db[store.FEED].count_documents({"waiting": True})
    assert waiting == 0
