"""The couriers: each replica claims due deliveries and sends them, each endpoint in its own lane.

A lane sends at most the endpoint's `max_concurrency` at once, paced by its rate limit, and keeps claimed
deliveries in hand so the next send never waits for a database round; a slow or dead receiver fills its own
lane and never the others'. Claims are leases in the database, renewed while the replica holds them: two
replicas never send one delivery at once (a delivery is sent only while its lease outlasts the send), a
restart loses nothing pending (a dead replica's claims are taken again when their lease runs out, a stopping
one gives them back) and repeats nothing recorded as delivered.
"""

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from services.notifications import metrics
from services.notifications.deliveries import store, webhooks
from services.notifications.deliveries.domain import Delivery, Schedule, Verdict
from services.notifications.deliveries.lanes import Lane, new_lane
from services.notifications.deliveries.outcomes import Outcomes, outcome
from services.notifications.deliveries.webhooks import Courier
from services.notifications.endpoints import store as endpoints
from services.notifications.endpoints.domain import Endpoint
from shared.storage.database import ServiceDatabase

log = logging.getLogger(__name__)
GAUGES_EVERY_SECONDS = 5.0


@dataclass(frozen=True)
class Timing:
    schedule: Schedule
    failure_period: timedelta
    lease: timedelta
    poll_seconds: float
    max_in_flight: int = 512


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
        self._token = uuid4().hex  # this replica's claims
        self._renewed_at = datetime.now(UTC)
        self._longest_send = timedelta(seconds=courier.timeout_seconds * 1.5)
        self.outcomes = Outcomes(database, failure_period=timing.failure_period, on_released=self.wake)

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Rounds until cancelled; a failed round (the database away) is logged and the next one tried."""
        recording = asyncio.create_task(self.outcomes.run(), name="webhook-outcomes")
        try:
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
        finally:
            recording.cancel()
            await asyncio.gather(recording, return_exceptions=True)

    async def stop(self) -> None:
        """Cancel what is in hand, record what was answered, and give the claims back (sent again at once by
        another replica, or after the restart)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.outcomes.flush()
        await store.give_back_all(self._database, self._token)

    async def round(self) -> None:
        now = datetime.now(UTC)
        enabled = {e.id: e for e in await self._database.read(endpoints.all_endpoints) if e.enabled}
        for endpoint_id in self._lanes.keys() - enabled.keys():
            self._lanes.pop(endpoint_id).closed = True
        await self._measure(enabled, now)
        await self._renew(now)
        wanted = {eid: lane.wants for eid, endpoint in enabled.items() if (lane := self._lane(endpoint)).wants}
        room = self._timing.max_in_flight - len(self._tasks)
        if not wanted or room <= 0:
            return
        in_hand = {delivery_id for lane in self._lanes.values() for delivery_id in lane.in_hand}
        found = await store.due(self._database, endpoint_ids=wanted, now=now, limit=room, exclude=in_hand)
        chosen = []
        for delivery_id, endpoint_id in found:
            if wanted[endpoint_id] > 0:
                wanted[endpoint_id] -= 1
                chosen.append(delivery_id)
        until = now + self._timing.lease
        for delivery in await store.claim(self._database, chosen, token=self._token, until=until, now=now):
            self._start(delivery, enabled[delivery.endpoint_id], until)

    async def _renew(self, now: datetime) -> None:
        """Extend the leases of what this replica holds, a third of a lease after the last time."""
        if now - self._renewed_at < self._timing.lease / 3:
            return
        self._renewed_at = now
        held = [delivery_id for lane in self._lanes.values() for delivery_id in lane.in_hand]
        until = now + self._timing.lease
        renewed = await store.renew(self._database, held, token=self._token, until=until)
        for lane in self._lanes.values():
            for delivery_id in renewed & lane.in_hand.keys():
                lane.in_hand[delivery_id] = until

    def _lane(self, endpoint: Endpoint) -> Lane:
        lane = self._lanes.get(endpoint.id)
        if lane is None or (lane.concurrency, lane.rate) != (endpoint.max_concurrency, endpoint.rate_limit_per_second):
            changed = new_lane(endpoint, self._timing.lease)
            changed.in_hand = lane.in_hand if lane else {}
            self._lanes[endpoint.id] = lane = changed
        return lane

    def _start(self, delivery: Delivery, endpoint: Endpoint, until: datetime) -> None:
        lane = self._lanes[endpoint.id]
        lane.in_hand[delivery.id] = until
        task = asyncio.create_task(self._deliver(delivery, endpoint, lane))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, delivery: Delivery, endpoint: Endpoint, lane: Lane) -> None:
        try:
            async with lane.sending:
                if lane.limiter is not None:
                    await lane.limiter.acquire()
                if not lane.may_send(delivery.id, datetime.now(UTC), self._longest_send):
                    await store.give_back(self._database, delivery.id, self._token)
                    return
                secrets = endpoint.signing_secrets(datetime.now(UTC))
                answer = await webhooks.post(
                    self._courier, url=endpoint.url, message_id=delivery.event_id, body=delivery.body, secrets=secrets
                )
            judged = outcome(
                delivery, endpoint, answer, token=self._token, schedule=self._timing.schedule, rng=self._rng
            )
            lane.closed = lane.closed or judged.verdict is Verdict.GONE
            self.outcomes.add(judged)
        finally:
            lane.in_hand.pop(delivery.id, None)
            if len(lane.in_hand) == lane.depth // 2:
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
