"""A reader following the feed's cursor sees every committed entry exactly once, whatever order entries commit in."""

import asyncio
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from services.notifications.feed import store
from shared.storage import pages
from shared.storage.database import POSITIONS, Transaction
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
