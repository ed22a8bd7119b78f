"""What each answer means for a delivery, the retry schedule with its jitter and Retry-After, and the failure
period; a lane holds what it can send within its lease and sends a delivery only while its lease outlasts the
send; pure."""

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.couriers.domain import (
    IN_HAND_PER_SEND,
    Answer,
    Schedule,
    Verdict,
    claim_floors,
    excerpt,
    failing_too_long,
    fair_claims,
    fair_share,
    judge,
    new_lane,
    outcome,
    retry_after_seconds,
)
from services.notifications.couriers.handlers import SendingBudget
from services.notifications.deliveries.domain import new_delivery
from services.notifications.endpoints.domain import Filters, Owner, OwnerKind, create_endpoint

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)
SCHEDULE = Schedule((5.0, 300.0, 1800.0))
LEASE = timedelta(seconds=60)
DELIVERY = new_delivery(
    endpoint_id="e-1",
    owner_kind="agency",
    owner_id="dkpp",
    event_id="ev-1",
    event_type="production.site.registered",
    subject="rak-1",
    sequence=1,
    body="{}",
    now=NOW,
    missed=False,
)


def answer(status: int | None, retry_after: float | None = None) -> Answer:
    return Answer(status=status, latency_seconds=0.01, retry_after_seconds=retry_after)


def test_2xx_delivers_410_is_gone_and_anything_else_is_retried_until_the_schedule_is_spent() -> None:
    rng = random.Random(1)
    assert judge(answer(204), 1, SCHEDULE, rng) == (Verdict.DELIVERED, None)
    assert judge(answer(410), 1, SCHEDULE, rng) == (Verdict.GONE, None)
    for status in (None, 301, 400, 429, 500, 503):
        verdict, delay = judge(answer(status), 2, SCHEDULE, rng)
        assert verdict is Verdict.RETRY
        assert delay is not None
        assert 270 <= delay <= 330
    assert judge(answer(500), 4, SCHEDULE, rng) == (Verdict.EXHAUSTED, None)


def test_jitter_spreads_the_delays_and_retry_after_is_never_cut_short() -> None:
    rng = random.Random(7)
    delays = {SCHEDULE.delay(1, None, rng) for _ in range(20)}
    assert len(delays) > 1
    assert all(d is not None and 4.5 <= d <= 5.5 for d in delays)
    assert SCHEDULE.delay(1, 120.0, rng) == 120.0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds("120", NOW) == 120
    assert retry_after_seconds("Tue, 01 Dec 2026 08:01:00 GMT", NOW) == 60
    assert retry_after_seconds("Tuesday, 01-Dec-26 08:01:00 GMT", NOW) == 60
    assert retry_after_seconds("Tue Dec  1 08:02:00 2026", NOW) == 120
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds(None, NOW) is None


@pytest.mark.parametrize("header", ["\u00b2", "\u0663", "1.5", "-5", "+5", "0x10", "12 s", "Tue, 01 Dec 2026"])
def test_retry_after_is_delta_seconds_in_ascii_digits_or_an_http_date_and_nothing_else(header: str) -> None:
    assert retry_after_seconds(header, NOW) is None


def test_a_huge_retry_after_is_capped_and_still_recorded() -> None:
    huge = retry_after_seconds("9" * 12, NOW)
    assert huge is not None
    rng = random.Random(3)
    assert SCHEDULE.delay(1, huge, rng) == SCHEDULE.retry_after_cap == 86_400
    far = retry_after_seconds("Fri, 31 Dec 9999 23:59:59 GMT", NOW)
    judged = outcome(DELIVERY, endpoint(1, None), answer(503, far), token="t", schedule=SCHEDULE, rng=rng, now=NOW)
    assert judged.verdict is Verdict.RETRY
    assert judged.changes["next_attempt_at"] == NOW + timedelta(days=1)


def test_the_failure_period_counts_from_the_first_failure_of_a_run() -> None:
    period = timedelta(days=5)
    assert not failing_too_long(None, NOW, period)
    assert not failing_too_long(NOW - timedelta(days=4), NOW, period)
    assert failing_too_long(NOW - timedelta(days=5), NOW, period)


def test_the_receivers_answer_is_kept_cut_to_a_few_hundred_bytes() -> None:
    assert len(excerpt(b"x" * 10_000)) == 300
    assert excerpt(b"\xff ok") == "\ufffd ok"


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


def test_an_owner_sends_within_its_share_and_an_eighth_of_the_budget_stays_free_for_a_newcomer() -> None:
    assert fair_share(512, 1) == 448
    assert fair_share(512, 2) == 224
    assert fair_share(8, 1) == 7
    assert fair_share(1, 3) == 1


def test_claims_are_shared_between_owners_first_then_their_endpoints() -> None:
    owners = {"a1": "a", "a2": "a", "a3": "a", "a4": "a", "b1": "b"}
    claims = fair_claims(dict.fromkeys(owners, 1000), owners, room=400)
    assert claims["b1"] == 200
    assert sum(claims[e] for e in ("a1", "a2", "a3", "a4")) == 200
    assert fair_claims({"a1": 5, "b1": 1000}, owners, room=400) == {"a1": 5, "b1": 395}


def test_an_endpoint_claims_what_it_may_send_however_much_another_owner_holds() -> None:
    owners = {"silent": "a", "other": "b"}
    floors = claim_floors({"silent": 900, "other": 0}, {"silent": 1024, "other": 256}, owners, total=1000)
    assert floors == {"silent": 0, "other": 256}
    assert fair_claims({"other": 256}, owners, room=-100, floor=floors) == {"other": 256}


async def test_a_waiting_owner_is_served_before_one_already_over_its_share() -> None:
    budget = SendingBudget(8)
    hogging = [budget.place("a") for _ in range(7)]
    for place in hogging:
        await place.__aenter__()
    assert budget.in_use["a"] == 7
    waiting_a = asyncio.ensure_future(_hold(budget, "a"))
    await asyncio.sleep(0)
    async with budget.place("b"):  # the eighth place, kept free for a newcomer
        assert budget.in_use["b"] == 1
        await hogging[0].__aexit__(None, None, None)
        await asyncio.sleep(0)
        assert not waiting_a.done()  # a holds 6 of 8 while b sends: over its share of two owners (3)
    await asyncio.sleep(0)
    assert waiting_a.done()  # b done: a's share is its own again
    for place in hogging[1:]:
        await place.__aexit__(None, None, None)


async def _hold(budget: SendingBudget, owner: str) -> None:
    async with budget.place(owner):
        pass
