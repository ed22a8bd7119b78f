"""The couriers' rules: what an answer means for a delivery and its endpoint, when to try again, how much each
endpoint's lane holds and when it may send, and how a webhook is signed; pure.

2xx is delivered. Anything else (a timeout, a refused connection, a refused address) is tried again on the
schedule, each delay jittered and never shorter than the receiver's `Retry-After`, until the schedule is
spent (failed: listed, replayable). 410 Gone fails the delivery and disables the endpoint at once; so does
failing for longer than the failure period.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any

from standardwebhooks.webhooks import Webhook

from services.notifications.deliveries.domain import Delivery, State
from services.notifications.endpoints.domain import Endpoint
from shared.messaging.envelope import Envelope, new_event_id

ANSWER_KEPT_BYTES = 300
DEFAULT_SCHEDULE = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
JITTER = 0.1
IN_HAND_PER_SEND = 16
"""Deliveries a lane claims ahead, per concurrent send, so the next send never waits for a database round."""
GONE_REASON = "The receiver answered 410 Gone."
CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
USER_AGENT = "pembinaan-notifications/1.0"
TEST_EVENT_TYPE = "notifications.endpoint.tested"
Changes = dict[str, Any]
"""The fields an attempt sets on its delivery."""


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    EXHAUSTED = "exhausted"
    GONE = "gone"


@dataclass(frozen=True)
class Answer:
    """What one attempt got: a status (None when no answer came), or the error, and how long it took."""

    status: int | None
    latency_seconds: float
    excerpt: str = ""
    error: str | None = None
    retry_after_seconds: float | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class Schedule:
    delays: tuple[float, ...] = DEFAULT_SCHEDULE
    jitter: float = JITTER

    def delay(self, attempts_made: int, retry_after: float | None, rng: random.Random) -> float | None:
        """Seconds until the next attempt after `attempts_made`; None once the schedule is spent."""
        if attempts_made > len(self.delays):
            return None
        base = self.delays[attempts_made - 1]
        jittered = base * (1 + rng.uniform(-self.jitter, self.jitter))
        return max(jittered, retry_after or 0.0)


@dataclass(frozen=True)
class Timing:
    schedule: Schedule
    failure_period: timedelta
    lease: timedelta
    poll_seconds: float
    max_in_flight: int = 512


def judge(answer: Answer, attempts_made: int, schedule: Schedule, rng: random.Random) -> tuple[Verdict, float | None]:
    """What the answer to the `attempts_made`-th attempt means, and the delay before the next one."""
    if answer.succeeded:
        return Verdict.DELIVERED, None
    if answer.status == 410:
        return Verdict.GONE, None
    delay = schedule.delay(attempts_made, answer.retry_after_seconds, rng)
    return (Verdict.EXHAUSTED, None) if delay is None else (Verdict.RETRY, delay)


def retry_after_seconds(header: str | None, now: datetime) -> float | None:
    """`Retry-After` as seconds (a number of seconds or an HTTP date); None when absent or unreadable."""
    if not header:
        return None
    value = header.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - now).total_seconds(), 0.0) if when.tzinfo else None


def excerpt(body: bytes) -> str:
    return body[:ANSWER_KEPT_BYTES].decode("utf-8", errors="replace")


def failing_too_long(failing_since: datetime | None, now: datetime, period: timedelta) -> bool:
    return failing_since is not None and now - failing_since >= period


@dataclass
class Lane:
    """One endpoint's sends, apart from the others': at most `concurrency` at once, at most `rate` a second, and
    the claimed deliveries a replica holds for it, each with the end of its lease."""

    concurrency: int
    rate: float | None
    depth: int
    in_hand: dict[str, datetime] = field(default_factory=dict)
    closed: bool = False
    """The endpoint was disabled: what is in hand goes back unsent."""

    @property
    def wants(self) -> int:
        """Refilled once half is sent, so that one round of queries serves many sends."""
        return self.depth - len(self.in_hand) if len(self.in_hand) <= self.depth // 2 else 0

    def may_send(self, delivery_id: str, now: datetime, longest_send: timedelta) -> bool:
        """Open, and the delivery's lease outlasts the longest send: no other replica can claim it meanwhile."""
        until = self.in_hand.get(delivery_id)
        return not self.closed and until is not None and until - now > longest_send


def new_lane(endpoint: Endpoint, lease: timedelta) -> Lane:
    """A rate-limited lane holds no more than it can send within half a lease."""
    rate, concurrency = endpoint.rate_limit_per_second, endpoint.max_concurrency
    depth = concurrency * IN_HAND_PER_SEND
    if rate:
        depth = max(1, min(depth, int(rate * lease.total_seconds() / 2)))
    return Lane(concurrency, rate, depth)


@dataclass(frozen=True)
class Outcome:
    delivery: Delivery
    endpoint: Endpoint
    answer: Answer
    token: str
    verdict: Verdict
    changes: Changes
    at: datetime


def outcome(
    delivery: Delivery,
    endpoint: Endpoint,
    answer: Answer,
    *,
    token: str,
    schedule: Schedule,
    rng: random.Random,
    now: datetime,
) -> Outcome:
    """What the answer means for the delivery: delivered, tried again later, or failed for good."""
    attempts = delivery.attempts + 1
    verdict, delay = judge(answer, attempts, schedule, rng)
    changes: Changes = {"attempts": attempts, "last_status": answer.status, "last_error": answer.error}
    if verdict is Verdict.DELIVERED:
        changes.update(state=State.DELIVERED.value, delivered_at=now)
    elif verdict is Verdict.RETRY and delay is not None:
        changes.update(next_attempt_at=now + timedelta(seconds=delay))
    else:
        changes.update(state=State.FAILED.value)
    return Outcome(delivery, endpoint, answer, token, verdict, changes, now)


@dataclass(frozen=True)
class Health:
    """What a batch of outcomes does to their endpoint: disable it (why), end its failing period, or start one."""

    disabled_reason: str | None = None
    succeeding: bool = False
    failing_since: datetime | None = None


def endpoint_health(batch: list[Outcome], failure_period: timedelta) -> Health | None:
    """410 disables at once; a success ends a failing period; failing past the period disables; None: no change."""
    endpoint, verdicts, now = batch[0].endpoint, {each.verdict for each in batch}, batch[-1].at
    if Verdict.GONE in verdicts:
        return Health(disabled_reason=GONE_REASON)
    if Verdict.DELIVERED in verdicts:
        return Health(succeeding=True) if endpoint.failing_since is not None else None
    if failing_too_long(endpoint.failing_since, now, failure_period):
        since = endpoint.failing_since.isoformat() if endpoint.failing_since else ""
        return Health(disabled_reason=f"Every attempt has failed since {since}, for longer than {failure_period}.")
    if endpoint.failing_since is None:
        return Health(failing_since=batch[0].at)
    return None


def signature(secrets: list[str], message_id: str, timestamp: datetime, body: str) -> str:
    """Every secret's signature, space separated: while an old secret overlaps a new one, either verifies."""
    return " ".join(Webhook(secret).sign(message_id, timestamp, body) for secret in secrets)


def signed_headers(secrets: list[str], message_id: str, body: str, now: datetime) -> dict[str, str]:
    return {
        "content-type": CONTENT_TYPE,
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature(secrets, message_id, now, body),
    }


def sample_event(endpoint: Endpoint, now: datetime) -> Envelope:
    """What a test send carries: a sample event, signed like every other."""
    return Envelope(
        id=new_event_id(),
        source="/services/notifications",
        specversion="1.0",
        type=TEST_EVENT_TYPE,
        time=now,
        subject=endpoint.id,
        dataschema=f"urn:pembinaan:event:{TEST_EVENT_TYPE}:v1",
        sequence=1,
        data={"endpoint_id": endpoint.id, "note": "A test send: a sample event, signed like every other."},
    )
