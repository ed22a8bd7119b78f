"""Agency systems receive the events that concern them as signed webhooks: verified with the Standard Webhooks
library, each aggregate's in order, only their own programmes'."""

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
from tests.support.receivers import Receiver, receiving
from tests.support.services import RunningService, eventually


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
