"""A receiver that fails is retried on the schedule (and no sooner than its Retry-After) until it recovers; 410
disables its endpoint at once, and so does failing for longer than the failure period; a restart mid-retry
loses nothing and repeats nothing delivered."""

import asyncio
from typing import Any

from tests.integration.notifications.conftest import Start
from tests.support.infrastructure import Infrastructure
from tests.support.notifications import agency_key, endpoint, grant, listing_sold_out, publish_events, site
from tests.support.receivers import Receiver, Reply, black_hole, receiving
from tests.support.services import RunningService, eventually

FAILING = Reply(503, body=b"busy")


async def attempts(service: RunningService, key: dict[str, str], endpoint_id: str) -> list[dict[str, Any]]:
    log = await service.http.get(f"/endpoints/{endpoint_id}/attempts", headers=key)
    assert log.status_code == 200, log.text
    return list(reversed(log.json()))


async def test_a_failing_receiver_is_retried_honouring_retry_after_until_it_recovers(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    await grant(webhooks, "dkpp", ["production.site.registered"])
    key = await agency_key(webhooks, "dkpp")
    script = [FAILING, Reply(429, headers={"Retry-After": "1"}, body=b"slow down"), FAILING]
    async with receiving(Receiver(script=list(script))) as receiver:
        made = await endpoint(webhooks, key, receiver.url, ["production.site.registered"])
        await publish_events(infrastructure, namespace, [site("rak-1")])

        async def delivered() -> bool:
            return len(receiver.delivered()) == 1

        await eventually(delivered)

        async def logged() -> list[dict[str, Any]] | None:
            log = await attempts(webhooks, key, made["id"])
            return log if len(log) == 4 else None

        log = await eventually(logged)
        assert [entry["status"] for entry in log] == [503, 429, 503, 200]
        assert log[1]["excerpt"] == "slow down"
        assert log[1]["retry_after_seconds"] == 1
        waited = (_at(log[2]) - _at(log[1])).total_seconds()
        assert waited >= 1  # the schedule says 0.2 s; the receiver asked for a second
        assert len({arrival.headers["webhook-id"] for arrival in receiver.arrivals}) == 1
        listed = await webhooks.http.get(f"/endpoints/{made['id']}/deliveries", headers=key)
        assert [(d["state"], d["attempts"]) for d in listed.json()["items"]] == [("delivered", 4)]
        shown = (await webhooks.http.get(f"/endpoints/{made['id']}", headers=key)).json()
        assert shown["failing_since"] is None  # the success reset it


def _at(entry: dict[str, Any]) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(entry["at"])


async def test_410_gone_disables_the_endpoint_at_once_and_its_owner_sees_why(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    await grant(webhooks, "dkpp", ["production.site.registered"])
    key = await agency_key(webhooks, "dkpp")
    async with receiving(Receiver(script=[Reply(410)])) as receiver:
        made = await endpoint(webhooks, key, receiver.url, ["production.site.registered"])
        await publish_events(infrastructure, namespace, [site("rak-1")])

        async def disabled() -> dict[str, Any] | None:
            shown = (await webhooks.http.get(f"/endpoints/{made['id']}", headers=key)).json()
            return None if shown["enabled"] else shown

        shown = await disabled_endpoint(disabled)
        assert "410" in shown["disabled_reason"]
        await publish_events(infrastructure, namespace, [site("rak-2", "lapas-cilegon")])

        async def states() -> list[str]:
            listed = await webhooks.http.get(f"/endpoints/{made['id']}/deliveries", headers=key)
            return [delivery["state"] for delivery in listed.json()["items"]]

        await eventually(lambda: _equal(states(), ["failed", "missed"]))
        assert len(receiver.arrivals) == 1


async def disabled_endpoint(probe: Any) -> dict[str, Any]:
    found: dict[str, Any] = await eventually(probe)
    return found


async def test_an_endpoint_failing_longer_than_the_failure_period_is_disabled(
    infrastructure: Infrastructure, namespace: str, start_notifications: Start
) -> None:
    always_failing = [FAILING] * 100
    async with (
        start_notifications(webhook_failure_period_seconds=0.5, webhook_retry_schedule_seconds=[0.2] * 50) as service,
        receiving(Receiver(script=always_failing)) as receiver,
    ):
        await grant(service, "dkpp", ["production.site.registered"])
        key = await agency_key(service, "dkpp")
        made = await endpoint(service, key, receiver.url, ["production.site.registered"])
        await publish_events(infrastructure, namespace, [site("rak-1")])

        async def disabled() -> dict[str, Any] | None:
            shown = (await service.http.get(f"/endpoints/{made['id']}", headers=key)).json()
            return None if shown["enabled"] else shown

        shown = await disabled_endpoint(disabled)
        assert shown["disabled_reason"].startswith("Every attempt has failed since")
        assert shown["failing_since"] is not None
        metrics = (await service.http.get("/metrics")).text
        assert f'webhook_delivery_attempts_total{{endpoint="{made["id"]}",outcome="retry"}}' in metrics


async def test_a_restart_mid_retry_loses_no_delivery_and_repeats_none_delivered(
    infrastructure: Infrastructure, namespace: str, start_notifications: Start
) -> None:
    slow_schedule = {"webhook_retry_schedule_seconds": [2.0, 0.2, 0.2]}
    async with receiving(Receiver(script=[FAILING])) as receiver:
        async with start_notifications(**slow_schedule) as first:
            await grant(first, "dkpp", ["marketplace.listing.*"])
            key = await agency_key(first, "dkpp")
            made = await endpoint(first, key, receiver.url, ["marketplace.listing.*"])
            await publish_events(infrastructure, namespace, [listing_sold_out("listing-1", "dkpp-hidroponik", "dkpp")])
            await eventually(lambda: _answered(receiver, 1))  # the first delivery failed; its retry is pending
            await publish_events(infrastructure, namespace, [listing_sold_out("listing-2", "dkpp-hidroponik", "dkpp")])
            await eventually(lambda: _answered(receiver, 2))  # the second one went through
        async with start_notifications(**slow_schedule) as second:
            await eventually(lambda: _answered(receiver, 3))

            async def states() -> list[str]:
                listed = await second.http.get(f"/endpoints/{made['id']}/deliveries", headers=key)
                return [d["state"] for d in listed.json()["items"]]

            await eventually(lambda: _equal(states(), ["delivered", "delivered"]))
        delivered_ids = [arrival.headers["webhook-id"] for arrival in receiver.delivered()]
        assert len(delivered_ids) == len(set(delivered_ids)) == 2


async def _answered(receiver: Receiver, count: int) -> bool:
    return len(receiver.answered) >= count


async def _equal(actual: Any, expected: Any) -> bool:
    return bool(await actual == expected)


async def test_two_replicas_share_the_deliveries_and_never_send_one_twice(
    infrastructure: Infrastructure, namespace: str, start_notifications: Start
) -> None:
    async with (
        receiving(Receiver()) as receiver,
        start_notifications(webhook_lease_seconds=30) as first,
        start_notifications(webhook_lease_seconds=30) as second,
    ):
        await grant(first, "dkpp", ["production.site.registered"])
        key = await agency_key(first, "dkpp")
        await endpoint(first, key, receiver.url, ["production.site.registered"], max_concurrency=8)
        await publish_events(infrastructure, namespace, [site(f"rak-{n}") for n in range(40)])
        await eventually(lambda: _answered(receiver, 40))
        assert second.runtime.database.db.name == first.runtime.database.db.name
        ids = [arrival.headers["webhook-id"] for arrival in receiver.arrivals]
        assert len(ids) == len(set(ids)) == 40


async def test_an_agencys_black_holed_endpoint_at_its_highest_concurrency_never_holds_another_agencys_deliveries(
    infrastructure: Infrastructure, namespace: str, start_notifications: Start
) -> None:
    """The replica may send 8 at once; the black hole (accepts, never answers) would take 64 for two minutes."""
    async with (
        start_notifications(webhook_max_in_flight=8, webhook_timeout_seconds=120, webhook_lease_seconds=400) as service,
        black_hole() as (silent_url, held),
        receiving(Receiver()) as receiver,
    ):
        await grant(service, "dinas-perikanan", ["production.site.registered"])
        await grant(service, "dkpp", ["marketplace.listing.*"])
        silent = await agency_key(service, "dinas-perikanan")
        await endpoint(service, silent, silent_url, ["production.site.registered"], max_concurrency=64)
        await endpoint(service, await agency_key(service, "dkpp"), receiver.url, ["marketplace.listing.*"])
        await publish_events(infrastructure, namespace, [site(f"rak-{n}") for n in range(100)])
        await eventually(lambda: _holding(held, 4))  # the black hole holds the first agency's sends
        await publish_events(infrastructure, namespace, [listing_sold_out("listing-1", "dkpp-hidroponik", "dkpp")])
        await eventually(lambda: _answered(receiver, 1))
        assert len(held) < 8  # the other agency's share of the replica was kept for it


async def _holding(held: list[asyncio.StreamWriter], count: int) -> bool:
    return len(held) >= count


async def test_a_retry_after_no_parser_can_read_is_still_an_attempt_and_retried_on_the_schedule(
    infrastructure: Infrastructure, namespace: str, start_notifications: Start
) -> None:
    script = [Reply(503, headers={"Retry-After": "\u00b2"}), Reply(503, headers={"Retry-After": "9" * 12})]
    async with (
        start_notifications(webhook_retry_after_cap_seconds=0.5) as webhooks,
        receiving(Receiver(script=script)) as receiver,
    ):
        await grant(webhooks, "dkpp", ["production.site.registered"])
        key = await agency_key(webhooks, "dkpp")
        made = await endpoint(webhooks, key, receiver.url, ["production.site.registered"])
        await publish_events(infrastructure, namespace, [site("rak-1")])

        async def logged() -> list[dict[str, Any]] | None:
            log = await attempts(webhooks, key, made["id"])
            return log if len(log) >= 3 else None

        log = await eventually(logged)
        read = [(entry["status"], entry["retry_after_seconds"]) for entry in log]
        assert read == [(503, None), (503, 999_999_999_999), (200, None)]  # twelve nines waited the cap
        listed = (await webhooks.http.get(f"/endpoints/{made['id']}/deliveries", headers=key)).json()["items"]
        assert [(d["state"], d["attempts"]) for d in listed] == [("delivered", 3)]
        assert len(receiver.arrivals) == 3


async def test_a_grant_narrowed_meanwhile_stops_retries_and_replays_and_says_why(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    await grant(webhooks, "dkpp", ["production.site.registered"])
    key = await agency_key(webhooks, "dkpp")
    gate = asyncio.Event()
    async with receiving(Receiver(script=[FAILING], gate=gate)) as receiver:
        made = await endpoint(webhooks, key, receiver.url, ["production.site.registered"])
        await publish_events(infrastructure, namespace, [site("rak-1")])
        await eventually(lambda: _arrived(receiver, 1))
        await grant(webhooks, "dkpp", ["production.lot.graded"])  # narrowed while the first attempt is answered
        gate.set()

        async def withheld() -> list[dict[str, Any]] | None:
            listed = (await webhooks.http.get(f"/endpoints/{made['id']}/deliveries", headers=key)).json()["items"]
            return listed if listed[0]["state"] == "failed" else None

        (delivery,) = await eventually(withheld)
        assert "grant" in delivery["last_error"]
        since_1970 = {"since": "1970-01-01T00:00:00Z", "only_undelivered": False}
        replayed = await webhooks.http.post(f"/endpoints/{made['id']}/replays", json=since_1970, headers=key)
        assert replayed.json() == {"queued": 1}

        async def withheld_again() -> bool:
            log = (await webhooks.http.get(f"/deliveries/{delivery['id']}", headers=key)).json()["attempt_log"]
            return len(log) == 3

        await eventually(withheld_again)
        assert len(receiver.arrivals) == 1  # neither the retry nor the replay was sent


async def _arrived(receiver: Receiver, count: int) -> bool:
    return len(receiver.arrivals) >= count
