"""The couriers' rules: what an answer means for a delivery and its endpoint, when to try again, how much each
endpoint's lane holds and when it may send, and how a webhook is signed; pure.

2xx is delivered. Anything else (a timeout, a refused connection, a refused address, an error of our own) is
tried again on the schedule, each delay jittered and never shorter than the receiver's `Retry-After` (capped at
a day by default), until the schedule is spent (failed: listed, replayable). 410 Gone fails the
delivery and disables the endpoint at once; so does failing for longer than the failure period. A delivery the
owner's grant no longer covers is not sent (withheld: failed, with the reason).

Fairness: each lane claims what it can send soon, endpoints claim in turn when a replica holds all it may, and
only sends in flight count against the replica's budget, of which each owner takes at most a fair share.
"""

import random
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any

from standardwebhooks.webhooks import Webhook

from services.notifications.deliveries.domain import Delivery, State
from services.notifications.endpoints.domain import Endpoint, granted
from services.notifications.subscriptions.domain import Subscription
from shared.messaging.envelope import Envelope, new_event_id

ANSWER_KEPT_BYTES = 300
DEFAULT_SCHEDULE = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
JITTER = 0.1
DEFAULT_RETRY_AFTER_CAP = 86_400.0
IN_HAND_PER_SEND = 16
"""Deliveries a lane claims ahead, per concurrent send, so the next send never waits for a database round."""
GONE_REASON = "The receiver answered 410 Gone."
NOT_GRANTED_REASON = "Not sent: the owner's grant no longer covers this event."
CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
USER_AGENT = "pembinaan-notifications/1.0"
TEST_EVENT_TYPE = "notifications.endpoint.tested"
DELTA_SECONDS = re.compile(r"[0-9]+", re.ASCII)
RETRY_AFTER_DIGITS = 12
"""Digits of a delta-seconds read (more are as good as forever: the schedule's cap applies anyway)."""
HTTP_DATE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT"  # IMF-fixdate
    r"|[A-Z][a-z]{5,8}, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT"  # obsolete RFC 850
    r"|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}",  # obsolete asctime
    re.ASCII,
)
Changes = dict[str, Any]
"""The fields an attempt sets on its delivery."""


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    EXHAUSTED = "exhausted"
    GONE = "gone"
    WITHHELD = "withheld"
    """Not sent: the owner's grant no longer covers it (failed, listed, replayable once granted again)."""


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
    retry_after_cap: float = DEFAULT_RETRY_AFTER_CAP
    """The longest a receiver's `Retry-After` may put a retry off."""

    def delay(self, attempts_made: int, retry_after: float | None, rng: random.Random) -> float | None:
        """Seconds until the next attempt after `attempts_made`; None once the schedule is spent."""
        if attempts_made > len(self.delays):
            return None
        base = self.delays[attempts_made - 1]
        jittered = base * (1 + rng.uniform(-self.jitter, self.jitter))
        return max(jittered, min(retry_after or 0.0, self.retry_after_cap))


@dataclass(frozen=True)
class Timing:
    schedule: Schedule
    failure_period: timedelta
    lease: timedelta
    poll_seconds: float
    max_in_flight: int = 512
    """Sends in flight at once on a replica, shared fairly between owners (`fair_share`)."""
    resolve_seconds: float = 2.0

    @property
    def max_in_hand(self) -> int:
        """Claimed deliveries a replica holds at once, all lanes together."""
        return self.max_in_flight * IN_HAND_PER_SEND


def judge(answer: Answer, attempts_made: int, schedule: Schedule, rng: random.Random) -> tuple[Verdict, float | None]:
    """What the answer to the `attempts_made`-th attempt means, and the delay before the next one."""
    if answer.succeeded:
        return Verdict.DELIVERED, None
    if answer.status == 410:
        return Verdict.GONE, None
    delay = schedule.delay(attempts_made, answer.retry_after_seconds, rng)
    return (Verdict.EXHAUSTED, None) if delay is None else (Verdict.RETRY, delay)


def retry_after_seconds(header: str | None, now: datetime) -> float | None:
    """`Retry-After` as seconds: delta-seconds (ASCII digits only: `str.isdigit` also takes `²`) or an HTTP-date
    (RFC 9110: IMF-fixdate in GMT, or its obsolete forms); None when absent or anything else. How far it may push
    a retry is the schedule's cap (`Schedule.delay`)."""
    value = (header or "").strip()
    if DELTA_SECONDS.fullmatch(value):
        return float(int(value)) if len(value) <= RETRY_AFTER_DIGITS else float(10**RETRY_AFTER_DIGITS)
    if not HTTP_DATE.fullmatch(value):
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)  # asctime's form names no zone: HTTP's is GMT
    return max((when - now).total_seconds(), 0.0)


def excerpt(body: bytes) -> str:
    return body[:ANSWER_KEPT_BYTES].decode("utf-8", errors="replace")


def failing_too_long(failing_since: datetime | None, now: datetime, period: timedelta) -> bool:
    return failing_since is not None and now - failing_since >= period


@dataclass
class Lane:
    """One endpoint's sends, apart from the others': at most `concurrency` at once, at most `rate` a second, and
    the claimed deliveries a replica holds for it, each with the end of its lease. A lane holds no more than it
    can send soon: `IN_HAND_PER_SEND` per concurrent send, and no more than half a lease of sends at its rate
    and at the pace its receiver has been answering."""

    concurrency: int
    rate: float | None
    lease_seconds: float
    in_hand: dict[str, datetime] = field(default_factory=dict)
    closed: bool = False
    """The endpoint was disabled: what is in hand goes back unsent."""
    latency_seconds: float | None = None
    """How long its sends have been taking (a moving average)."""

    @property
    def depth(self) -> int:
        depth = self.concurrency * IN_HAND_PER_SEND
        if self.rate:
            depth = min(depth, int(self.rate * self.lease_seconds / 2))
        if self.latency_seconds:
            depth = min(depth, int(self.concurrency * self.lease_seconds / 2 / self.latency_seconds))
        return max(1, depth)

    @property
    def wants(self) -> int:
        """Refilled once half is sent, so that one round of queries serves many sends."""
        depth = self.depth
        return depth - len(self.in_hand) if len(self.in_hand) <= depth // 2 else 0

    def may_send(self, delivery_id: str, now: datetime, longest_send: timedelta) -> bool:
        """Open, and the delivery's lease outlasts the longest send: no other replica can claim it meanwhile."""
        until = self.in_hand.get(delivery_id)
        return not self.closed and until is not None and until - now > longest_send

    def observe(self, latency_seconds: float) -> None:
        previous = self.latency_seconds
        self.latency_seconds = latency_seconds if previous is None else 0.8 * previous + 0.2 * latency_seconds


def new_lane(endpoint: Endpoint, lease: timedelta) -> Lane:
    return Lane(endpoint.max_concurrency, endpoint.rate_limit_per_second, lease.total_seconds())


def fair_share(total: int, owners: int) -> int:
    """Sends one owner may have in flight while `owners` owners send: an equal part of seven eighths of the
    budget, so an eighth is always free for an owner that starts sending (however slow the others' receivers)."""
    reserve = max(1, total // 8)
    return max(1, (total - reserve) // max(1, owners))


def claim_floors(
    held: Mapping[str, int], depth: Mapping[str, int], owner_of: Mapping[str, str], total: int
) -> dict[str, int]:
    """What each endpoint may claim however full the replica is: its depth, up to an equal part (per owner, then
    per endpoint of the owner) of the `total` a replica holds, less what it holds already."""
    endpoints_of = Counter(owner_of.values())
    per_owner = total // max(1, len(endpoints_of))
    return {e: max(0, min(depth[e], per_owner // endpoints_of[owner_of[e]]) - held[e]) for e in held}


def fair_claims(
    wants: Mapping[str, int], owner_of: Mapping[str, str], room: int, floor: Mapping[str, int] | None = None
) -> dict[str, int]:
    """How many due deliveries each endpoint claims when together they want more than `room`: shared between
    owners first, then between each owner's endpoints, round after round until no one wants more. An endpoint
    claims its `floor` (what it can send at once) whatever the others hold: a full replica never starves it."""
    given = {endpoint_id: min(wants[endpoint_id], (floor or {}).get(endpoint_id, 0)) for endpoint_id in wants}
    by_owner: dict[str, list[str]] = {}
    for endpoint_id in sorted(wants):
        by_owner.setdefault(owner_of[endpoint_id], []).append(endpoint_id)
    while room > 0:
        wanting = {o: [e for e in ids if given[e] < wants[e]] for o, ids in sorted(by_owner.items())}
        wanting = {owner: ids for owner, ids in wanting.items() if ids}
        if not wanting:
            break
        per_owner = max(1, room // len(wanting))
        for ids in wanting.values():
            per_endpoint = max(1, per_owner // len(ids))
            for endpoint_id in ids:
                taken = min(per_endpoint, wants[endpoint_id] - given[endpoint_id], room)
                given[endpoint_id] += taken
                room -= taken
    return {endpoint_id: count for endpoint_id, count in given.items() if count}


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


def still_granted(delivery: Delivery, endpoint: Endpoint, subscription: Subscription | None) -> bool:
    """Whether the owner's grant, as it stands now, still covers the delivery (retries, replays, recoveries)."""
    bound, agencies = delivery.bound, delivery.agency_ids
    return granted(endpoint.owner, delivery.event_type, subscription, bound=bound, agency_ids=agencies)


def withheld(delivery: Delivery, endpoint: Endpoint, *, token: str, now: datetime) -> Outcome:
    """A delivery its owner's grant no longer covers: not sent, failed with the reason (replayable)."""
    answer = Answer(status=None, latency_seconds=0.0, error=NOT_GRANTED_REASON)
    changes: Changes = {"state": State.FAILED.value, "last_status": None, "last_error": NOT_GRANTED_REASON}
    return Outcome(delivery, endpoint, answer, token, Verdict.WITHHELD, changes, now)


@dataclass(frozen=True)
class Health:
    """What a batch of outcomes does to their endpoint: disable it (why), end its failing period, or start one."""

    disabled_reason: str | None = None
    succeeding: bool = False
    failing_since: datetime | None = None


def endpoint_health(batch: list[Outcome], failure_period: timedelta) -> Health | None:
    """410 disables at once; a success ends a failing period; failing past the period disables; None: no change
    (nor for deliveries withheld: the receiver did nothing)."""
    batch = [each for each in batch if each.verdict is not Verdict.WITHHELD]
    if not batch:
        return None
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
