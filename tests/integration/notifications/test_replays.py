"""Deliveries that failed for good stay listed and can be replayed one by one, all since a time, or only those
never delivered; a re-enabled endpoint is offered what it missed and recovers it."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.infrastructure import Infrastructure
from tests.support.notifications import agency_key, endpoint, grant, publish_events, site
from tests.support.receivers import Receiver, Reply, receiving
from tests.support.services import RunningService, eventually

FAILING = Reply(500, body=b"down")


async def states(service: RunningService, key: dict[str, str], endpoint_id: str, **params: str) -> list[str]:
    listed = await service.http.get(f"/endpoints/{endpoint_id}/deliveries", params=params, headers=key)
    assert listed.status_code == 200, listed.text
    return [delivery["state"] for delivery in listed.json()["items"]]


async def test_failed_deliveries_are_listed_and_replayed_one_by_one_or_since_a_time(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    await grant(webhooks, "dkpp", ["production.site.registered"])
    key = await agency_key(webhooks, "dkpp")
    async with receiving(Receiver(script=[FAILING] * 8)) as receiver:
        made = await endpoint(webhooks, key, receiver.url, ["production.site.registered"], max_concurrency=1)
        await publish_events(infrastructure, namespace, [site("rak-1"), site("rak-2")])
        await eventually(lambda: _equal(states(webhooks, key, made["id"], state="failed"), ["failed", "failed"]))
        failed = (await webhooks.http.get(f"/endpoints/{made['id']}/deliveries", headers=key)).json()["items"]
        assert [d["attempts"] for d in failed] == [4, 4]  # the first try and the schedule's three

        replayed = await webhooks.http.post(f"/deliveries/{failed[0]['id']}/replays", headers=key)
        assert (replayed.status_code, replayed.json()["state"]) == (202, "pending")
        await eventually(lambda: _equal(states(webhooks, key, made["id"]), ["delivered", "failed"]))
        detail = (await webhooks.http.get(f"/deliveries/{failed[0]['id']}", headers=key)).json()
        assert [attempt["status"] for attempt in detail["attempt_log"]] == [500, 500, 500, 500, 200]

        since = {"since": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(), "only_undelivered": True}
        queued = await webhooks.http.post(f"/endpoints/{made['id']}/replays", json=since, headers=key)
        assert queued.json() == {"queued": 1}
        await eventually(lambda: _equal(states(webhooks, key, made["id"]), ["delivered", "delivered"]))
        everything = await webhooks.http.post(
            f"/endpoints/{made['id']}/replays", json={**since, "only_undelivered": False}, headers=key
        )
        assert everything.json() == {"queued": 2}
        await eventually(lambda: _delivered_times(receiver, 4))


async def test_a_re_enabled_endpoint_is_offered_what_it_missed_and_recovers_it(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    await grant(webhooks, "dkpp", ["production.site.registered"])
    key = await agency_key(webhooks, "dkpp")
    async with receiving(Receiver()) as receiver:
        made = await endpoint(webhooks, key, receiver.url, ["production.site.registered"], enabled=False)
        await publish_events(infrastructure, namespace, [site("rak-1"), site("rak-2")])
        await eventually(lambda: _equal(states(webhooks, key, made["id"]), ["missed", "missed"]))
        enabled = await webhooks.http.patch(f"/endpoints/{made['id']}", json={"enabled": True}, headers=key)
        assert (enabled.json()["enabled"], enabled.json()["missed_deliveries"]) == (True, 2)
        assert receiver.arrivals == []
        recovered = await webhooks.http.post(f"/endpoints/{made['id']}/recoveries", headers=key)
        assert recovered.json() == {"queued": 2}
        await eventually(lambda: _delivered_times(receiver, 2))
        assert sorted(arrival.event["subject"] for arrival in receiver.delivered()) == ["rak-1", "rak-2"]


async def _equal(actual: Any, expected: Any) -> bool:
    return bool(await actual == expected)


async def _delivered_times(receiver: Receiver, count: int) -> bool:
    return len(receiver.delivered()) >= count
