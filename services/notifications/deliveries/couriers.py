"""The couriers: each replica claims due deliveries and sends them, each endpoint in its own lane.

A lane holds at most the endpoint's `max_concurrency` sends at once, paced by its rate limit, so a slow or
dead receiver fills its own lane and never the others'. Claims are leases in the database: a restart loses
nothing pending (a dead replica's claims are taken again when their lease runs out) and repeats nothing
recorded as delivered.
"""

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from aiolimiter import AsyncLimiter

from services.notifications import metrics
from services.notifications.deliveries import handlers, store, webhooks
from services.notifications.deliveries.domain import Delivery, Schedule
from services.notifications.deliveries.webhooks import Courier
from services.notifications.endpoints import store as endpoints
from services.notifications.endpoints.domain import Endpoint
from shared.database import ServiceDatabase

log = logging.getLogger(__name__)
GAUGES_EVERY_SECONDS = 5.0


@dataclass(frozen=True)
class Timing:
    schedule: Schedule
    failure_period: timedelta
    lease: timedelta
    poll_seconds: float
    max_in_flight: int = 512


@dataclass
class Lane:
    """One endpoint's sends in flight and its pace."""

    concurrency: int
    limiter: AsyncLimiter | None
    in_flight: int = 0
    rate: float | None = field(default=None)

    @property
    def free(self) -> int:
        return max(self.concurrency - self.in_flight, 0)


class Couriers:
    def __init__(self, database: ServiceDatabase, courier: Courier, timing: Timing) -> None:
        self._database = database
        self._courier = courier
        self._timing = timing
        self._lanes: dict[str, Lane] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._rng = random.Random()
        self._gauges_at = 0.0

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Rounds until cancelled; a failed round (the database away) is logged and the next one tried."""
        while True:
            try:
                await self.round()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("a delivery round failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._timing.poll_seconds)
            self._wake.clear()

    async def stop(self) -> None:
        """Cancel sends in flight; their leases run out and another round (or replica) sends them again."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def round(self) -> None:
        now = datetime.now(UTC)
        enabled = {e.id: e for e in await self._database.read(endpoints.all_endpoints) if e.enabled}
        await self._measure(enabled, now)
        open_lanes = {eid: self._lane(endpoint).free for eid, endpoint in enabled.items() if self._lane(endpoint).free}
        room = self._timing.max_in_flight - len(self._tasks)
        if not open_lanes or room <= 0:
            return
        found = await store.due(self._database, endpoint_ids=open_lanes, now=now, limit=room)
        chosen = []
        for delivery_id, endpoint_id in found:
            if open_lanes[endpoint_id] > 0:
                open_lanes[endpoint_id] -= 1
                chosen.append(delivery_id)
        token = uuid4().hex
        until = now + self._timing.lease
        for delivery in await store.claim(self._database, chosen, token=token, until=until, now=now):
            self._start(delivery, enabled[delivery.endpoint_id], token)

    def _lane(self, endpoint: Endpoint) -> Lane:
        lane = self._lanes.get(endpoint.id)
        if lane is None or lane.rate != endpoint.rate_limit_per_second:
            rate = endpoint.rate_limit_per_second
            limiter = AsyncLimiter(max(rate, 1e-3), 1) if rate else None
            lane = Lane(endpoint.max_concurrency, limiter, lane.in_flight if lane else 0, rate)
            self._lanes[endpoint.id] = lane
        lane.concurrency = endpoint.max_concurrency
        return lane

    def _start(self, delivery: Delivery, endpoint: Endpoint, token: str) -> None:
        lane = self._lanes[endpoint.id]
        lane.in_flight += 1
        task = asyncio.create_task(self._deliver(delivery, endpoint, lane, token))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, delivery: Delivery, endpoint: Endpoint, lane: Lane, token: str) -> None:
        try:
            if lane.limiter is not None:
                await lane.limiter.acquire()
            secrets = endpoint.signing_secrets(datetime.now(UTC))
            answer = await webhooks.post(
                self._courier, url=endpoint.url, message_id=delivery.event_id, body=delivery.body, secrets=secrets
            )
            await handlers.record_attempt(
                self._database,
                delivery,
                endpoint,
                answer,
                token=token,
                schedule=self._timing.schedule,
                failure_period=self._timing.failure_period,
                rng=self._rng,
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("delivery %s to endpoint %s failed to be recorded", delivery.id, endpoint.id)
        finally:
            lane.in_flight -= 1
            self.wake()

    async def _measure(self, enabled: dict[str, Endpoint], now: datetime) -> None:
        """Queue depth and oldest pending age per endpoint, every few seconds (a count scans the queue)."""
        loop_time = asyncio.get_running_loop().time()
        if loop_time - self._gauges_at < GAUGES_EVERY_SECONDS:
            return
        self._gauges_at = loop_time
        for endpoint in await self._database.read(endpoints.all_endpoints):
            depth, oldest = await store.queue(self._database, endpoint.id)
            metrics.QUEUE_DEPTH.labels(endpoint.id).set(depth)
            metrics.OLDEST_PENDING_AGE.labels(endpoint.id).set((now - oldest).total_seconds() if oldest else 0)
            metrics.ENDPOINT_DISABLED.labels(endpoint.id).set(0 if endpoint.id in enabled else 1)
