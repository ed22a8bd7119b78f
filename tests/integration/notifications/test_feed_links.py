"""An agency following the feed's cursor sees every entry that concerns it, however late the links that tell
so are learnt: an entry that waited longer than the feed waits at it comes after the cursor once they are."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from services.notifications.feed import store
from tests.support.feed import site_registered_entry
from tests.support.infrastructure import Infrastructure
from tests.support.notifications import distributed, grant, lot, programme, publish_events, site
from tests.support.services import RunningService, eventually


async def read(notifications: RunningService, key: dict[str, str], after: str | None) -> Any:
    params: dict[str, Any] = {"limit": 500} | ({"after": after} if after else {})
    response = await notifications.http.get("/events", params=params, headers=key)
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_entry_whose_links_are_learnt_long_after_it_is_read_by_a_cursor_that_passed_it(
    infrastructure: Infrastructure, namespace: str, notifications: RunningService
) -> None:
    lot_id, programme_id, site_id, elsewhere = (str(uuid4()) for _ in range(4))
    await grant(notifications, "dkpp", ["production.lot.distributed", "production.site.registered"])
    dkpp = await notifications.mint_key("events:read", agency_id="dkpp")
    feed = notifications.runtime.database.db[store.FEED]

    await publish_events(infrastructure, namespace, [distributed(lot_id, sequence=2)])  # its lot not known yet
    entry = await eventually(lambda: feed.find_one({"subject": lot_id, "waiting": True}))
    long_ago = datetime.now(UTC) - store.LINK_WAIT - timedelta(hours=5)  # the wait, simulated: not slept
    await feed.update_one({"_id": entry["_id"]}, {"$set": {"received_at": long_ago}})
    await publish_events(infrastructure, namespace, [site(elsewhere)])  # bound to no programme: every agency's
    await eventually(lambda: feed.find_one({"subject": elsewhere}))

    first = await read(notifications, dkpp, None)
    assert [event["subject"] for event in first["events"]] == [elsewhere]  # passed over, as waiting too long

    await publish_events(infrastructure, namespace, [programme(programme_id, "dkpp"), site(site_id)])
    await publish_events(infrastructure, namespace, [lot(lot_id, programme_id, site_id)])
    await eventually(lambda: feed.find_one({"_id": entry["_id"], "waiting": False}))

    later = await read(notifications, dkpp, first["next_cursor"])
    assert [event["event_id"] for event in later["events"] if event["subject"] == lot_id] == [entry["_id"]]
    staff = await notifications.mint_key("events:read")
    every = await read(notifications, staff, None)
    assert [event["event_id"] for event in every["events"]].count(entry["_id"]) == 1  # staff: once, where it came


async def test_entries_an_earlier_version_stored_are_placed_in_agencies_order_at_their_position(
    notifications: RunningService,
) -> None:
    database = notifications.runtime.database
    earlier = [
        {
            "_id": f"old-{index}",
            **vars(entry),
            **vars(audience),
            "position": 1_000 + index,
            "received_at": datetime.now(UTC),
        }
        for index, (entry, audience) in enumerate(site_registered_entry(f"old-{index}") for index in range(3))
    ]
    await database.db[store.FEED].insert_many(earlier)

    assert await store.place_for_agencies(database) is False  # it found some: a later start looks again
    assert await store.place_for_agencies(database) is True
    await grant(notifications, "dkpp", ["production.site.registered"])
    dkpp = await notifications.mint_key("events:read", agency_id="dkpp")
    page = await read(notifications, dkpp, "999")
    assert [event["event_id"] for event in page["events"]] == ["old-0", "old-1", "old-2"]
