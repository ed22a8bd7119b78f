"""A lane holds what it can send within its lease and sends a delivery only while its lease outlasts the send;
pure."""

from datetime import UTC, datetime, timedelta

from services.notifications.deliveries.lanes import IN_HAND_PER_SEND, new_lane
from services.notifications.endpoints.domain import Filters, Owner, OwnerKind, create_endpoint

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)
LEASE = timedelta(seconds=60)


def endpoint(concurrency: int, rate: float | None):  # type: ignore[no-untyped-def]
    return create_endpoint(
        owner=Owner(OwnerKind.AGENCY, "dkpp"),
        url="https://x.example/h",
        event_types=["production.*"],
        filters=Filters(),
        description="",
        enabled=True,
        max_concurrency=concurrency,
        rate_limit_per_second=rate,
        now=NOW,
    )


async def test_a_rate_limited_lane_holds_no_more_than_half_a_lease_of_sends() -> None:
    assert new_lane(endpoint(4, None), LEASE).depth == 4 * IN_HAND_PER_SEND
    assert new_lane(endpoint(4, 0.5), LEASE).depth == 15
    assert new_lane(endpoint(4, 0.001), LEASE).depth == 1


async def test_a_lane_refills_once_half_is_sent() -> None:
    lane = new_lane(endpoint(1, None), LEASE)
    assert lane.wants == lane.depth
    lane.in_hand = {f"d{n}": NOW + LEASE for n in range(lane.depth // 2 + 1)}
    assert lane.wants == 0
    lane.in_hand.popitem()
    assert lane.wants == lane.depth - lane.depth // 2


async def test_a_delivery_is_sent_only_while_its_lease_outlasts_the_longest_send_and_the_lane_is_open() -> None:
    lane = new_lane(endpoint(1, None), LEASE)
    lane.in_hand = {"fresh": NOW + LEASE, "ending": NOW + timedelta(seconds=5)}
    longest = timedelta(seconds=15)
    assert lane.may_send("fresh", NOW, longest)
    assert not lane.may_send("ending", NOW, longest)
    assert not lane.may_send("not-in-hand", NOW, longest)
    lane.closed = True
    assert not lane.may_send("fresh", NOW, longest)
