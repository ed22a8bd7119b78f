"""Agency systems receive the events that concern them as signed webhooks: verified with the Standard Webhooks
library, each aggregate's in order, only their own programmes'. Deliveries that failed for good stay listed and
can be replayed one by one, all since a time, or only those never delivered; a re-enabled endpoint is offered
what it missed and recovers it."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.infrastructure import Infrastructure
from tests.support.notifications import (
    agency_key,
    distributed,
    endpoint,
    grant,
    lot,
    programme,
    publish_events,
    site,
)
from tests.support.receivers import Receiver, Reply, receiving
from tests.support.services import RunningService, eventually

FAILING = Reply(500, body=b"down")


async def test_an_agency_receives_its_programmes_events_signed_and_in_order_and_never_another_agencys(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    await grant(webhooks, "dinas-perikanan", ["production.*"])
    await grant(webhooks, "dkpp", ["production.*"])
    async with receiving(Receiver()) as fisheries, receiving(Receiver()) as agriculture:
        made = await endpoint(
            webhooks, await agency_key(webhooks, "dinas-perikanan"), fisheries.url, ["production.lot.*"]
        )
        await endpoint(webhooks, await agency_key(webhooks, "dkpp"), agriculture.url, ["production.*"])
        # the lot's events come before the programme's agency and the site are known: they wait for them
        events = [lot("lot-1", "perikanan-lele", "kolam-1"), *[distributed("lot-1", n, 20 - n) for n in range(2, 7)]]
        await publish_events(
            infrastructure, namespace, [*events, site("kolam-1"), programme("perikanan-lele", "dinas-perikanan")]
        )

        await eventually(lambda: _count(fisheries, 6))
        received = [arrival.verified(made["secret"]) for arrival in fisheries.delivered()]
        assert [event["sequence"] for event in received] == [1, 2, 3, 4, 5, 6]
        assert {event["subject"] for event in received} == {"lot-1"}
        assert fisheries.delivered()[0].headers["webhook-id"] == received[0]["id"]
        # dkpp was granted production events: the site's (no programme's), never the fisheries programme's lots
        await eventually(lambda: _count(agriculture, 1))
        assert agriculture.types() == ["production.site.registered"]


async def _count(receiver: Receiver, wanted: int) -> bool:
    return len(receiver.delivered()) >= wanted


async def test_a_failing_delivery_holds_the_later_ones_of_its_aggregate_only(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    await grant(webhooks, "dinas-perikanan", ["production.*"])
    async with receiving(Receiver(refusing={("lot-a", 1): 4})) as receiver:  # every attempt the schedule allows
        await endpoint(webhooks, await agency_key(webhooks, "dinas-perikanan"), receiver.url, ["production.lot.*"])
        known = [programme("perikanan-lele", "dinas-perikanan"), site("kolam-1")]
        lot_a = [lot("lot-a", "perikanan-lele", "kolam-1"), distributed("lot-a", 2), distributed("lot-a", 3)]
        lot_b = [lot("lot-b", "perikanan-lele", "kolam-1"), distributed("lot-b", 2), distributed("lot-b", 3)]
        await publish_events(infrastructure, namespace, [*known, *lot_a, *lot_b])
        await eventually(lambda: _count(receiver, 5))

        def order(subject: str) -> list[tuple[int, int]]:
            """(arrival index, sequence) of the aggregate's arrivals."""
            return [(i, a.event["sequence"]) for i, a in enumerate(receiver.arrivals) if a.event["subject"] == subject]

        # lot-a's later events waited until its first had failed for good; lot-b's never waited for lot-a's
        assert [sequence for _, sequence in order("lot-a")] == [1, 1, 1, 1, 2, 3]
        assert [sequence for _, sequence in order("lot-b")] == [1, 2, 3]


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
