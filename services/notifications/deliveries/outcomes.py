"""Attempts' outcomes, recorded a batch at a time: one bulk write for the deliveries, one insert for the log,
one look-up for held deliveries to release, then each endpoint's health judged once per batch.

A send is recorded moments after its answer; until then its lease keeps any other courier from it. A replica
killed in between sends those again after a restart (at least once: receivers drop duplicates by
`webhook-id`); a stopping replica records what it holds first.
"""

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.notifications import metrics
from services.notifications.deliveries import domain, store
from services.notifications.deliveries.domain import Answer, Delivery, Schedule, State, Verdict
from services.notifications.endpoints import store as endpoints
from services.notifications.endpoints.domain import Endpoint
from shared.storage.database import Document, ServiceDatabase

log = logging.getLogger(__name__)
GONE_REASON = "The receiver answered 410 Gone."
GATHER_SECONDS = 0.05


@dataclass(frozen=True)
class Outcome:
    delivery: Delivery
    endpoint: Endpoint
    answer: Answer
    token: str
    verdict: Verdict
    changes: Document
    at: datetime


def outcome(
    delivery: Delivery, endpoint: Endpoint, answer: Answer, *, token: str, schedule: Schedule, rng: random.Random
) -> Outcome:
    """What the answer means for the delivery: delivered, tried again later, or failed for good."""
    now = datetime.now(UTC)
    attempts = delivery.attempts + 1
    verdict, delay = domain.judge(answer, attempts, schedule, rng)
    changes: Document = {"attempts": attempts, "last_status": answer.status, "last_error": answer.error}
    if verdict is Verdict.DELIVERED:
        changes.update(state=State.DELIVERED.value, delivered_at=now)
    elif verdict is Verdict.RETRY and delay is not None:
        changes.update(next_attempt_at=now + timedelta(seconds=delay))
    else:
        changes.update(state=State.FAILED.value)
    return Outcome(delivery, endpoint, answer, token, verdict, changes, now)


class Outcomes:
    def __init__(
        self, database: ServiceDatabase, *, failure_period: timedelta, on_released: Callable[[], None]
    ) -> None:
        self._database = database
        self._on_released = on_released
        self._failure_period = failure_period
        self._waiting: list[Outcome] = []
        self._added = asyncio.Event()

    def add(self, recorded: Outcome) -> None:
        self._waiting.append(recorded)
        self._added.set()

    async def run(self) -> None:
        """Record batches until cancelled; a batch that cannot be written is kept for the next try."""
        while True:
            await self._added.wait()
            await asyncio.sleep(GATHER_SECONDS)  # a moment's more answers make one write instead of several
            self._added.clear()
            try:
                await self.flush()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("recording %d outcomes failed; trying again", len(self._waiting))
                await asyncio.sleep(0.5)
                self._added.set()

    async def flush(self) -> None:
        batch, self._waiting = self._waiting, []
        if not batch:
            return
        try:
            recorded = [(o.delivery, o.token, o.changes, o.answer, o.at) for o in batch]
            released = await store.record_many(self._database, recorded)
        except BaseException:
            self._waiting = batch + self._waiting
            raise
        if released:
            self._on_released()  # the next of an aggregate goes now, not at the next poll
        for each in batch:
            metrics.DELIVERY_ATTEMPTS.labels(each.endpoint.id, each.verdict.value).inc()
            metrics.ATTEMPT_DURATION.labels(each.endpoint.id).observe(each.answer.latency_seconds)
        for endpoint_id in {each.endpoint.id for each in batch}:
            await self._judge_endpoint([each for each in batch if each.endpoint.id == endpoint_id])

    async def _judge_endpoint(self, batch: list[Outcome]) -> None:
        """410 disables at once; a success ends a failing period; failing past the period disables."""
        endpoint, verdicts, now = batch[0].endpoint, {each.verdict for each in batch}, batch[-1].at
        if Verdict.GONE in verdicts:
            await endpoints.disable(self._database, endpoint.id, reason=GONE_REASON, now=now)
        elif Verdict.DELIVERED in verdicts:
            if endpoint.failing_since is not None:
                await endpoints.mark_succeeding(self._database, endpoint.id)
        elif domain.failing_too_long(endpoint.failing_since, now, self._failure_period):
            since = endpoint.failing_since.isoformat() if endpoint.failing_since else ""
            reason = f"Every attempt has failed since {since}, for longer than {self._failure_period}."
            await endpoints.disable(self._database, endpoint.id, reason=reason, now=now)
        elif endpoint.failing_since is None:
            await endpoints.mark_failing(self._database, endpoint.id, batch[0].at)
