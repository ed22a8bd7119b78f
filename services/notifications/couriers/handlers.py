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
import ssl
import time
from collections import Counter, OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from uuid import uuid4

import certifi
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
from services.notifications.subscriptions import store as subscriptions
from services.notifications.subscriptions.domain import Subscription
from shared.http.api_keys import Caller
from shared.storage.database import ServiceDatabase

log = logging.getLogger(__name__)
ANSWER_READ_BYTES = 65_536
MAX_POOLS = 1024
"""Connection pools kept open (one per address and server name)."""
CLAIMING_AT_ONCE = 16
"""Endpoints' due deliveries looked up at once in a round."""
GAUGES_EVERY_SECONDS = 5.0
GATHER_SECONDS = 0.05


class Courier(AbstractAsyncContextManager["Courier"]):
    """What every send needs: one HTTP client (its connections pooled per address and server name), where
    webhooks may go, the deadline of one attempt. A resource of the service's runtime: its client opens at start
    and closes at stop."""

    def __init__(self, targets: Targets, timeout_seconds: float, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.targets = targets
        self.timeout_seconds = timeout_seconds
        self._ssl_context = ssl_context
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("the courier's client opens when the service starts")
        return self._client

    async def open(self) -> None:
        self._client = new_client(self.timeout_seconds, ssl_context=self._ssl_context)

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
        """Check the URL again (names may resolve elsewhere now), sign, POST, all within the deadline; never
        raises for the receiver's sake."""
        started = time.perf_counter()
        try:
            target = await checked(url, self.targets.policy, self.targets.resolve)
        except ForbiddenTarget as refused:
            return Answer(
                status=None, latency_seconds=time.perf_counter() - started, error=f"refused target: {refused.detail}"
            )
        now = datetime.now(UTC)
        request = pinned_request(self.client, target, body, domain.signed_headers(secrets, message_id, body, now))
        try:
            async with asyncio.timeout(self.timeout_seconds):  # connect, write and the whole answer together
                response = await self.client.send(request, follow_redirects=False, stream=True)
                answer = await _read_some(response)
        except (TimeoutError, httpx.TimeoutException):
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


def new_ssl_context(cafile: str | None = None) -> ssl.SSLContext:
    """The certificates webhooks' receivers are verified with (certifi's unless `cafile`), made once: every pool
    shares it."""
    return ssl.create_default_context(cafile=cafile or certifi.where())


def new_client(
    timeout_seconds: float, max_connections: int = 512, *, ssl_context: ssl.SSLContext | None = None
) -> httpx.AsyncClient:
    """One client for every endpoint: connections are pooled per address and server name and reused; no
    redirects followed."""
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_seconds),
        follow_redirects=False,
        transport=Pools(limits=limits, ssl_context=ssl_context or new_ssl_context()),
        trust_env=False,
    )


PoolKey = tuple[str, str, int | None, str]
"""scheme, address, port, server name (TLS's SNI, or the `Host` of plain HTTP)."""


class Pools(httpx.AsyncBaseTransport):
    """A connection pool per address and server name: httpx keys its pool by the URL's host, which the pinned
    URL makes the address alone, so two hosts behind one address would share a connection verified for one of
    them. The least recently used pool is closed once `MAX_POOLS` are open."""

    def __init__(self, *, limits: httpx.Limits, ssl_context: ssl.SSLContext) -> None:
        self._limits = limits
        self._ssl_context = ssl_context
        self._pools: OrderedDict[PoolKey, httpx.AsyncHTTPTransport] = OrderedDict()
        self._closing: set[asyncio.Task[None]] = set()

    def pool(self, request: httpx.Request) -> httpx.AsyncHTTPTransport:
        name = request.extensions.get("sni_hostname") or request.headers.get("host", "")
        key: PoolKey = (request.url.scheme, request.url.host, request.url.port, str(name))
        found = self._pools.get(key)
        if found is not None:
            self._pools.move_to_end(key)
            return found
        made = self._pools[key] = httpx.AsyncHTTPTransport(verify=self._ssl_context, limits=self._limits)
        if len(self._pools) > MAX_POOLS:
            _, oldest = self._pools.popitem(last=False)
            closing = asyncio.create_task(oldest.aclose())
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)
        return made

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.pool(request).handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        await asyncio.gather(*(pool.aclose() for pool in pools), *self._closing, return_exceptions=True)


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


class SendingBudget:
    """The sends a replica has in flight at once, shared between owners: one takes a place only within its fair
    share (`domain.fair_share`), and places freed go to the waiting owners in turn. Only sending holds a place:
    a delivery waiting for its lane (its concurrency, its rate) holds none."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.in_use: Counter[str] = Counter()
        self._waiting: dict[str, deque[asyncio.Future[None]]] = {}

    @property
    def used(self) -> int:
        return self.in_use.total()

    def _may_take(self, owner: str) -> bool:
        sending = {o for o, count in self.in_use.items() if count} | self._waiting.keys() | {owner}
        return self.used < self.total and self.in_use[owner] < domain.fair_share(self.total, len(sending))

    @contextlib.asynccontextmanager
    async def place(self, owner: str) -> AsyncIterator[None]:
        if owner in self._waiting or not self._may_take(owner):
            granted = asyncio.get_running_loop().create_future()
            self._waiting.setdefault(owner, deque()).append(granted)
            try:
                await granted
            except asyncio.CancelledError:
                if granted.done() and not granted.cancelled():
                    self._give_back(owner)  # granted as it was cancelled: the place goes to the next
                else:
                    self._forget(owner, granted)
                raise
        else:
            self.in_use[owner] += 1
        try:
            yield
        finally:
            self._give_back(owner)

    def _forget(self, owner: str, granted: asyncio.Future[None]) -> None:
        queue = self._waiting.get(owner)
        if queue is not None and granted in queue:
            queue.remove(granted)
            if not queue:
                del self._waiting[owner]

    def _give_back(self, owner: str) -> None:
        self.in_use[owner] -= 1
        self._grant()

    def _grant(self) -> None:
        """Places to waiting owners, one each in turn (an owner served goes to the back of the line)."""
        served = True
        while served:
            served = False
            for owner in list(self._waiting):
                if not self._may_take(owner):
                    continue
                queue = self._waiting.pop(owner)
                queue.popleft().set_result(None)
                self.in_use[owner] += 1
                if queue:
                    self._waiting[owner] = queue
                served = True


@dataclass
class Runner:
    """A lane at work: the endpoint as last read, the claimed deliveries waiting to be sent, its workers (at
    most its concurrency) and its rate limiter."""

    lane: Lane
    endpoint: Endpoint
    queue: deque[Delivery] = field(default_factory=deque)
    workers: int = 0
    limiter: AsyncLimiter | None = None

    @property
    def owner(self) -> str:
        return f"{self.endpoint.owner.kind.value}:{self.endpoint.owner.id}"


class Couriers:
    def __init__(self, database: ServiceDatabase, courier: Courier, timing: Timing) -> None:
        self._database = database
        self._courier = courier
        self._timing = timing
        self._runners: dict[str, Runner] = {}
        self._budget = SendingBudget(timing.max_in_flight)
        self._subscriptions: dict[str, Subscription] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._rng = random.Random()
        self._gauges_at = 0.0
        self._token = uuid4().hex  # this replica's claims
        self._renewed_at = datetime.now(UTC)
        self._longest_send = timedelta(seconds=timing.resolve_seconds + courier.timeout_seconds * 1.5)
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
        """Read the endpoints and grants as they stand, then claim for each lane what it can send soon, endpoints
        and owners in turn when together they want more than the replica may hold."""
        now = datetime.now(UTC)
        enabled = {e.id: e for e in await self._database.read(endpoints.all_endpoints) if e.enabled}
        self._subscriptions = await self._database.read(subscriptions.all_subscriptions)
        for endpoint_id in self._runners.keys() - enabled.keys():
            self._runners.pop(endpoint_id).lane.closed = True
        await self._measure(enabled, now)
        await self._renew(now)
        runners = [self._runner(endpoint) for endpoint in enabled.values()]
        wanted = {runner.endpoint.id: runner.lane.wants for runner in runners if runner.lane.wants}
        if not wanted:
            return
        due_now = await store.with_due(self._database, endpoint_ids=wanted.keys(), now=now)
        wanted = {endpoint_id: wants for endpoint_id, wants in wanted.items() if endpoint_id in due_now}
        if not wanted:
            return
        room = self._timing.max_in_hand - sum(len(runner.lane.in_hand) for runner in self._runners.values())
        owners = {runner.endpoint.id: runner.owner for runner in runners}
        held = {runner.endpoint.id: len(runner.lane.in_hand) for runner in runners}
        depth = {runner.endpoint.id: runner.lane.depth for runner in runners}
        floors = domain.claim_floors(held, depth, owners, self._timing.max_in_hand)
        claims = domain.fair_claims(wanted, owners, room, floor=floors)
        chosen = await self._due(claims, now)
        until = now + self._timing.lease
        for delivery in await store.claim(self._database, chosen, token=self._token, until=until, now=now):
            self._start(delivery, until)

    async def _due(self, claims: dict[str, int], now: datetime) -> list[str]:
        """Each endpoint's due deliveries, up to its claim, looked up a few endpoints at a time."""
        looking = asyncio.Semaphore(CLAIMING_AT_ONCE)

        async def due(endpoint_id: str, limit: int) -> list[str]:
            async with looking:
                exclude = self._runners[endpoint_id].lane.in_hand.keys()
                return await store.due(self._database, endpoint_id=endpoint_id, now=now, limit=limit, exclude=exclude)

        found = await asyncio.gather(*(due(endpoint_id, limit) for endpoint_id, limit in claims.items()))
        return [delivery_id for ids in found for delivery_id in ids]

    async def _renew(self, now: datetime) -> None:
        """Extend the leases of what this replica holds, a third of a lease after the last time."""
        if now - self._renewed_at < self._timing.lease / 3:
            return
        self._renewed_at = now
        held = [delivery_id for runner in self._runners.values() for delivery_id in runner.lane.in_hand]
        until = now + self._timing.lease
        renewed = await store.renew(self._database, held, token=self._token, until=until)
        for runner in self._runners.values():
            for delivery_id in renewed & runner.lane.in_hand.keys():
                runner.lane.in_hand[delivery_id] = until

    def _runner(self, endpoint: Endpoint) -> Runner:
        """The endpoint's lane, its concurrency and rate as the endpoint now says (what it holds kept)."""
        runner = self._runners.get(endpoint.id)
        if runner is None:
            runner = self._runners[endpoint.id] = Runner(domain.new_lane(endpoint, self._timing.lease), endpoint)
        runner.endpoint = endpoint
        lane, rate = runner.lane, endpoint.rate_limit_per_second
        if lane.rate != rate or (rate and runner.limiter is None):
            runner.limiter = AsyncLimiter(rate, 1) if rate else None
        lane.concurrency, lane.rate = endpoint.max_concurrency, rate
        self._staff(runner)
        return runner

    def _start(self, delivery: Delivery, until: datetime) -> None:
        runner = self._runners.get(delivery.endpoint_id)
        if runner is None:
            return  # disabled since the claim: its lease runs out, and it waits for the endpoint
        runner.lane.in_hand[delivery.id] = until
        runner.queue.append(delivery)
        self._staff(runner)

    def _staff(self, runner: Runner) -> None:
        """A worker per delivery waiting, up to the lane's concurrency: a waiting delivery holds no task."""
        while runner.workers < min(runner.lane.concurrency, len(runner.queue)):
            runner.workers += 1
            task = asyncio.create_task(self._work(runner))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _work(self, runner: Runner) -> None:
        try:
            while runner.queue and runner.workers <= runner.lane.concurrency:
                await self._deliver(runner.queue.popleft(), runner)
        finally:
            runner.workers -= 1

    async def _deliver(self, delivery: Delivery, runner: Runner) -> None:
        lane, endpoint = runner.lane, runner.endpoint
        try:
            if not domain.still_granted(delivery, endpoint, self._subscriptions.get(endpoint.owner.id)):
                self.outcomes.add(domain.withheld(delivery, endpoint, token=self._token, now=datetime.now(UTC)))
                return
            if runner.limiter is not None:
                await runner.limiter.acquire()
            async with self._budget.place(runner.owner):
                if not lane.may_send(delivery.id, datetime.now(UTC), self._longest_send):
                    await store.give_back(self._database, delivery.id, self._token)
                    return
                answer = await self._attempt(delivery, endpoint)
            lane.observe(answer.latency_seconds)
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

    async def _attempt(self, delivery: Delivery, endpoint: Endpoint) -> Answer:
        """The receiver's answer; whatever fails on our side is an answer too, so that every send is an attempt
        recorded with its reason (never a task dying and the delivery sent again unrecorded at every lease)."""
        started = time.perf_counter()
        try:
            secrets = endpoint.signing_secrets(datetime.now(UTC))
            return await self._courier.post(
                url=endpoint.url, message_id=delivery.event_id, body=delivery.body, secrets=secrets
            )
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning("a webhook send failed on our side", extra={"error": type(error).__name__})
            return Answer(status=None, latency_seconds=time.perf_counter() - started, error=type(error).__name__)

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
        for owner in self._budget.in_use:
            metrics.SENDS_IN_FLIGHT.labels(owner).set(self._budget.in_use[owner])


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
