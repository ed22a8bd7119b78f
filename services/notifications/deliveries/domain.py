"""Deliveries: one event on its way to one endpoint, its attempts, and what each answer means; pure.

2xx is delivered. Anything else (a timeout, a refused connection, a refused address) is tried again on the
schedule, each delay jittered and never shorter than the receiver's `Retry-After`, until the schedule is
spent (failed: listed, replayable). 410 Gone fails the delivery and disables the endpoint at once. Within one
endpoint an aggregate's deliveries go one at a time in `sequence` order: a later one is held until the one
before it is delivered or has failed for good.
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from uuid import uuid4

from shared.errors import NotFound

ANSWER_KEPT_BYTES = 300
DEFAULT_SCHEDULE = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
JITTER = 0.1


class DeliveryNotFound(NotFound):
    """No delivery of the caller's endpoints has this id."""


class State(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    MISSED = "missed"
    """The endpoint was disabled when the event came; recovered on request once it is enabled again."""


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    EXHAUSTED = "exhausted"
    GONE = "gone"


@dataclass(frozen=True)
class Delivery:
    id: str
    endpoint_id: str
    owner_kind: str
    owner_id: str
    event_id: str
    event_type: str
    subject: str
    sequence: int
    body: str
    state: State
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    held: bool = False
    delivered_at: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None


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


def new_delivery(
    *,
    endpoint_id: str,
    owner_kind: str,
    owner_id: str,
    event_id: str,
    event_type: str,
    subject: str,
    sequence: int,
    body: str,
    now: datetime,
    missed: bool,
) -> Delivery:
    return Delivery(
        id=str(uuid4()),
        endpoint_id=endpoint_id,
        owner_kind=owner_kind,
        owner_id=owner_id,
        event_id=event_id,
        event_type=event_type,
        subject=subject,
        sequence=sequence,
        body=body,
        state=State.MISSED if missed else State.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


def holding(deliveries: Iterable[Delivery], already_pending: set[tuple[str, str]]) -> list[Delivery]:
    """Pending deliveries with `held` set on all but the first of each endpoint's aggregate, in sequence order
    (`already_pending`: endpoint and aggregate pairs with a pending delivery stored before)."""
    seen = set(already_pending)
    ordered = []
    for delivery in sorted(deliveries, key=lambda d: (d.endpoint_id, d.subject, d.sequence)):
        pair = (delivery.endpoint_id, delivery.subject)
        ordered.append(replace(delivery, held=delivery.state is State.PENDING and pair in seen))
        if delivery.state is State.PENDING:
            seen.add(pair)
    return ordered


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
