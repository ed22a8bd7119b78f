"""What each answer means for a delivery, the retry schedule with its jitter and Retry-After, and the order of
an aggregate's deliveries to one endpoint; pure."""

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from services.notifications.deliveries.domain import (
    Answer,
    Schedule,
    State,
    Verdict,
    excerpt,
    failing_too_long,
    holding,
    judge,
    new_delivery,
    retry_after_seconds,
)

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)
SCHEDULE = Schedule((5.0, 300.0, 1800.0))


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
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds(None, NOW) is None


def test_an_aggregates_later_deliveries_are_held_behind_its_first_and_behind_one_already_pending() -> None:
    def delivery(endpoint: str, subject: str, sequence: int) -> object:
        return new_delivery(
            endpoint_id=endpoint,
            owner_kind="agency",
            owner_id="dkpp",
            event_id=f"{subject}-{sequence}",
            event_type="production.lot.distributed",
            subject=subject,
            sequence=sequence,
            body="{}",
            now=NOW,
            missed=False,
        )

    made = [
        delivery("e1", "lot-1", 3),
        delivery("e1", "lot-1", 2),
        delivery("e2", "lot-1", 2),
        delivery("e1", "lot-2", 1),
    ]
    held = {(d.endpoint_id, d.subject, d.sequence): d.held for d in holding(made, set())}  # type: ignore[arg-type]
    assert held == {
        ("e1", "lot-1", 2): False,
        ("e1", "lot-1", 3): True,
        ("e2", "lot-1", 2): False,
        ("e1", "lot-2", 1): False,
    }
    behind = holding([made[3]], {("e1", "lot-2")})  # type: ignore[list-item]
    assert behind[0].held
    missed = replace(made[3], state=State.MISSED)  # type: ignore[type-var]
    assert not holding([missed], {("e1", "lot-2")})[0].held


def test_the_failure_period_counts_from_the_first_failure_of_a_run() -> None:
    period = timedelta(days=5)
    assert not failing_too_long(None, NOW, period)
    assert not failing_too_long(NOW - timedelta(days=4), NOW, period)
    assert failing_too_long(NOW - timedelta(days=5), NOW, period)


def test_the_receivers_answer_is_kept_cut_to_a_few_hundred_bytes() -> None:
    assert len(excerpt(b"x" * 10_000)) == 300
    assert excerpt(b"\xff ok") == "\ufffd ok"
