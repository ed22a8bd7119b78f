"""The couriers: each replica claims due deliveries and sends them, each endpoint in its own lane.

A lane sends at most the endpoint's `max_concurrency` at once, paced by its rate limit, and keeps claimed
deliveries in hand so the next send never waits for a database round; a slow or dead receiver fills its own
lane and never the others'. Claims are leases in the database, renewed while the replica holds them: two
replicas never send one delivery at once (a delivery is sent only while its lease outlasts the send), a
restart loses nothing pending (a dead replica's claims are taken again when their lease runs out, a stopping
one gives them back) and repeats nothing recorded as delivered.

Outcomes are recorded a batch at a time: one bulk write for the deliveries, one look-up for held deliveries to
release, then each endpoint's health judged once per batch. A send is recorded moments after its answer; until
then its lease keeps any other courier from it. A replica killed in between sends those again after a restart
(at least once: receivers drop duplicates by `webhook-id`); a stopping replica records what it holds first.

One courier (a `Courier`) makes one signed POST at a time, the CloudEvents JSON body with the Standard Webhooks
headers, to the address the target check pinned, without following redirects; test sends use it too.
"""

import asyncio
import contextlib
import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from uuid import uuid4

import httpx
from aiolimiter import AsyncLimiter

from services.notifications import metrics
from services.notifications.couriers import domain, store
from services.notifications.couriers.domain import Answer, Lane, Outcome, Timing, Verdict
from services.notifications.deliveries.domain import Delivery
from services.notifications.endpoints import handlers as endpoints_handlers
from services.notifications.endpoints import store as endpoints
from services.notifications.endpoints.domain import Endpoint, ForbiddenTarget, Target
from services.notifications.endpoints.handlers import Targets, checked
from shared.http.api_keys import Caller
from shared.storage.database import ServiceDatabase

log = logging.getLogger(__name__)
ANSWER_READ_BYTES = 65_536
GAUGES_EVERY_SECONDS = 5.0
GATHER_SECONDS = 0.05


class Courier(AbstractAsyncContextManager["Courier"]):
    """What every send needs: one HTTP client (its pooled connections reused), where webhooks may go, the
    timeout. A resource of the service's runtime: its client opens at start and closes at stop."""

    def __init__(self, targets: Targets, timeout_seconds: float) -> None:
        self.targets = targets
        self.timeout_seconds = timeout_seconds
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("the courier's client opens when the service starts")
        return self._client

    async def open(self) -> None:
        self._client = new_client(self.timeout_seconds)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def __aenter__(self) -> "Courier":
        await self.open()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()

    async def post(self, *, url: str, message_id: str, body: str, secrets: list[str]) -> Answer:
        """Check the URL again (names may resolve elsewhere now), sign, POST; never raises for the receiver's
        sake."""
        started = time.perf_counter()
        try:
            target = await checked(url, self.targets.policy, self.targets.resolve)
        except ForbiddenTarget as refused:
            return Answer(status=None, latency_seconds=0.0, error=f"refused target: {refused.detail}")
        now = datetime.now(UTC)
        request = pinned_request(self.client, target, body, domain.signed_headers(secrets, message_id, body, now))
        try:
            response = await self.client.send(request, follow_redirects=False, stream=True)
            answer = await _read_some(response)
        except httpx.TimeoutException:
            return Answer(status=None, latency_seconds=time.perf_counter() - started, error="timeout")
        except httpx.HTTPError as error:
            return Answer(status=None, latency_seconds=time.perf_counter() - started, error=type(error).__name__)
        latency = time.perf_counter() - started
        return Answer(
            status=response.status_code,
            latency_seconds=latency,
            excerpt=domain.excerpt(answer),
            retry_after_seconds=domain.retry_after_seconds(response.headers.get("retry-after"), now),
        )


def new_client(timeout_seconds: float, max_connections: int = 512) -> httpx.AsyncClient:
    """One client for every endpoint: connections are pooled per address and reused; no redirects followed."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_seconds),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        trust_env=False,
    )


@functools.lru_cache(maxsize=4096)
def pinned_url(url: str, address: str) -> tuple[httpx.URL, str]:
    """The URL with its host replaced by the checked address, and the `Host` header that names the host."""
    parsed = httpx.URL(url)
    return parsed.copy_with(host=address), parsed.netloc.decode("ascii")


def pinned_request(client: httpx.AsyncClient, target: Target, body: str, headers: dict[str, str]) -> httpx.Request:
    """A request to the checked address, with the URL's host in `Host` (and in TLS's SNI and certificate check)."""
    url, host_header = pinned_url(target.url, target.address)
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    return client.build_request(
        "POST", url, content=body.encode(), headers={**headers, "host": host_header}, extensions=extensions
    )


async def _read_some(response: httpx.Response) -> bytes:
    """The start of the answer; a receiver that answers at length is cut off (its connection is not reused)."""
    read = bytearray()
    try:
        async for chunk in response.aiter_bytes():
            read += chunk
            if len(read) >= ANSWER_READ_BYTES:
                break
    finally:
        await response.aclose()
    return bytes(read)


async def test_send(database: ServiceDatabase, courier: Courier, endpoint_id: str, *, caller: Caller) -> Answer:
    """A sample event sent at once (whether the endpoint is enabled or not), and the receiver's answer."""
    found = await endpoints_handlers.endpoint(database, endpoint_id, caller=caller)
    now = datetime.now(UTC)
    sample = domain.sample_event(found, now)
    secrets = found.signing_secrets(now)
    return await courier.post(url=found.url, message_id=sample.id, body=sample.model_dump_json(), secrets=secrets)


def sending_deliveries(courier: Courier, timing: Timing) -> Callable[[ServiceDatabase], Awaitable[None]]:
    """The runtime's background loop: this replica's couriers, on the service's database while it is up; when
    it stops, what they hold is recorded or given back."""

    async def send_deliveries(database: ServiceDatabase) -> None:
        couriers = Couriers(database, courier, timing)
        try:
            await couriers.run()
        finally:
            await couriers.stop()

    return send_deliveries


@dataclass(frozen=True)
class Gates:
    """What holds a lane to its pacing while it sends: its concurrency, and its rate when it has one."""

    sending: asyncio.Semaphore
    limiter: AsyncLimiter | None

    @classmethod
    def of(cls, lane: Lane) -> "Gates":
        return cls(asyncio.Semaphore(lane.concurrency), AsyncLimiter(lane.rate, 1) if lane.rate else None)


class Couriers:
    def __init__(self, database: ServiceDatabase, courier: Courier, timing: Timing) -> None:
        self._database = database
        self._courier = courier
        self._timing = timing
        self._lanes: dict[str, Lane] = {}
        self._gates: dict[str, Gates] = {}
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
            self._gates.pop(endpoint_id, None)
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
            changed = domain.new_lane(endpoint, self._timing.lease)
            changed.in_hand = lane.in_hand if lane else {}
            self._lanes[endpoint.id] = lane = changed
            self._gates[endpoint.id] = Gates.of(changed)
        return lane

    def _start(self, delivery: Delivery, endpoint: Endpoint, until: datetime) -> None:
        lane, gates = self._lanes[endpoint.id], self._gates[endpoint.id]
        lane.in_hand[delivery.id] = until
        task = asyncio.create_task(self._deliver(delivery, endpoint, lane, gates))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, delivery: Delivery, endpoint: Endpoint, lane: Lane, gates: Gates) -> None:
        try:
            async with gates.sending:
                if gates.limiter is not None:
                    await gates.limiter.acquire()
                if not lane.may_send(delivery.id, datetime.now(UTC), self._longest_send):
                    await store.give_back(self._database, delivery.id, self._token)
                    return
                secrets = endpoint.signing_secrets(datetime.now(UTC))
                answer = await self._courier.post(
                    url=endpoint.url, message_id=delivery.event_id, body=delivery.body, secrets=secrets
                )
            judged = domain.outcome(
                delivery,
                endpoint,
                answer,
                token=self._token,
                schedule=self._timing.schedule,
                rng=self._rng,
                now=datetime.now(UTC),
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


class Outcomes:
    """Attempts' outcomes, recorded a batch at a time."""

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
        health = domain.endpoint_health(batch, self._failure_period)
        endpoint_id = batch[0].endpoint.id
        if health is None:
            return
        if health.disabled_reason is not None:
            await endpoints.disable(self._database, endpoint_id, reason=health.disabled_reason, now=batch[-1].at)
        elif health.succeeding:
            await endpoints.mark_succeeding(self._database, endpoint_id)
        elif health.failing_since is not None:
            await endpoints.mark_failing(self._database, endpoint_id, health.failing_since)
