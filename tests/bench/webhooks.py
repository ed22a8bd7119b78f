"""`make bench`, webhooks: deliveries per second to a fast local receiver, as a ratio to a plain signed-POST
loop (the same httpx client, the same receiver, the same run), the time to fan one event out to 100
endpoints and to deliver it to all of them, and another agency's latency while one agency's endpoints are
black-holed (accept, never answer) at their highest concurrency.

Prints figures; asserts nothing about speed. The receiver runs as a process of its own; the couriers run in
this process on the bench's database, with the client the plain loop uses.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from pymongo import AsyncMongoClient

from services.notifications.couriers.domain import Schedule, Timing, signed_headers
from services.notifications.couriers.handlers import Courier, Couriers, new_client
from services.notifications.deliveries import store as deliveries
from services.notifications.deliveries.domain import new_delivery
from services.notifications.endpoints import store as endpoints
from services.notifications.endpoints.domain import Endpoint, Filters, Owner, OwnerKind, TargetPolicy, create_endpoint
from services.notifications.endpoints.handlers import NameResolver, Targets
from services.notifications.main import INDEXES
from services.notifications.metrics import DELIVERY_ATTEMPTS
from services.notifications.reactions import record_and_deliver
from services.notifications.subscriptions import store as subscriptions
from services.notifications.subscriptions.domain import Subscription
from shared.contracts.production import SiteRegistered
from shared.messaging.registry import envelope_for
from shared.storage.database import ServiceDatabase, Transaction
from shared.storage.indexes import PLUMBING_INDEXES, merge_indexes
from tests.support.processes import REPO, wait_ready

MONGODB = os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017")
DELIVERIES = int(os.environ.get("BENCH_DELIVERIES", "2000"))
CONCURRENCY = int(os.environ.get("BENCH_WEBHOOK_CONCURRENCY", "16"))
FAN_OUT = 100
ROUNDS = int(os.environ.get("BENCH_WEBHOOK_ROUNDS", "3"))
PORT = 18190
BLACK_HOLED = int(os.environ.get("BENCH_BLACK_HOLED_ENDPOINTS", "10"))
BLACK_HOLED_BACKLOG = 1000
STARVATION_SECONDS = 10
STARVATION_RATE = 50
"""The other agency's deliveries a second, for STARVATION_SECONDS."""
LOOPBACK = TargetPolicy.of(["127.0.0.0/8"], [], any_port=True)


def an_endpoint(url: str, *, owner: str = "dkpp", concurrency: int = CONCURRENCY) -> Endpoint:
    return create_endpoint(
        owner=Owner(OwnerKind.AGENCY, owner),
        url=url,
        event_types=["production.*"],
        filters=Filters(),
        description="bench",
        enabled=True,
        max_concurrency=concurrency,
        rate_limit_per_second=None,
        now=datetime.now(UTC),
    )


async def plain_loop(courier: Courier, url: str, secret: str, body: str) -> float:
    """Signed POSTs per second, CONCURRENCY loops at once, nothing stored."""
    remaining = iter(range(DELIVERIES))

    async def loop() -> None:
        for _ in remaining:
            headers = signed_headers([secret], str(uuid4()), body, datetime.now(UTC))
            (await courier.client.post(url, content=body.encode(), headers=headers)).raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(CONCURRENCY)))
    return DELIVERIES / (time.perf_counter() - started)


def delivered_so_far() -> float:
    """Deliveries recorded as delivered in this process, from the couriers' own metric (counting them in the
    database while they are written would load the database the couriers are measured on)."""
    return sum(
        sample.value
        for metric in DELIVERY_ATTEMPTS.collect()
        for sample in metric.samples
        if sample.name.endswith("_total") and sample.labels.get("outcome") == "delivered"
    )


async def delivered(count: int) -> None:
    target = delivered_so_far() + count
    while delivered_so_far() < target:
        await asyncio.sleep(0.05)


async def with_couriers(database: ServiceDatabase, courier: Courier, count: int) -> float:
    """Seconds until the couriers have delivered `count` deliveries."""
    timing = Timing(Schedule(), timedelta(days=5), timedelta(seconds=60), poll_seconds=0.5)
    couriers = Couriers(database, courier, timing)
    waiting = asyncio.create_task(delivered(count))
    await asyncio.sleep(0)
    started = time.perf_counter()
    running = asyncio.create_task(couriers.run())
    try:
        await waiting
        return time.perf_counter() - started
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await couriers.stop()


async def stored_deliveries(database: ServiceDatabase, endpoint: Endpoint, body: str, count: int = DELIVERIES) -> None:
    now = datetime.now(UTC)
    made = [
        new_delivery(
            endpoint_id=endpoint.id,
            owner_kind="agency",
            owner_id=endpoint.owner.id,
            event_id=str(uuid4()),
            event_type="production.site.registered",
            subject=f"site-{uuid4().hex}",
            sequence=1,
            body=body,
            now=now,
            missed=False,
        )
        for _ in range(count)
    ]
    await database.transaction(lambda tx: _saved(tx, [], made))


async def _saved(tx: Transaction, hooked: list[Endpoint], made: list[Any]) -> None:
    for endpoint in hooked:
        await endpoints.save_endpoint(tx, endpoint)
    await deliveries.add(tx, made)


async def fan_out(database: ServiceDatabase, courier: Courier, url: str) -> tuple[float, float]:
    """Seconds to store one event's deliveries to 100 endpoints, and until all 100 are delivered."""
    await subscriptions.save_subscription(database, Subscription("dkpp", frozenset({"production.*"})))
    await database.transaction(lambda tx: _saved(tx, [an_endpoint(url) for _ in range(FAN_OUT)], []))
    payload = SiteRegistered(
        site_id="rak-1",
        facility_id="rutan-serang",
        name="Rak A",
        kind="workshop",
        area_m2=None,
        volume_m3=None,
        registered_at=datetime.now(UTC),
    )
    envelope = envelope_for(payload, source="/services/production", subject="rak-1", sequence=1)
    started = time.perf_counter()
    await database.transaction(lambda tx: record_and_deliver(tx, [(envelope, payload)]))
    stored = time.perf_counter() - started
    all_delivered = await with_couriers(database, courier, FAN_OUT) + stored
    return stored, all_delivered


@asynccontextmanager
async def black_hole() -> AsyncIterator[tuple[str, list[asyncio.StreamWriter]]]:
    """A receiver that accepts every connection and never answers; its URL and the connections it holds."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0, backlog=4096)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hooks", held
    finally:
        for writer in held:
            writer.close()
        server.close()


async def starvation(database: ServiceDatabase, courier: Courier, url: str, body: str) -> None:
    """Another agency's latency (stored to delivered) while one agency's endpoints at their highest concurrency
    are black-holed, with a backlog each, more sends together than the replica's whole budget."""
    async with black_hole() as (silent_url, held):
        silent = [an_endpoint(silent_url, owner="silent", concurrency=64) for _ in range(BLACK_HOLED)]
        other = an_endpoint(url, owner="dinas-perikanan")
        await database.transaction(lambda tx: _saved(tx, [*silent, other], []))
        await subscriptions.save_subscription(database, Subscription("silent", frozenset({"production.*"})))
        await subscriptions.save_subscription(database, Subscription("dinas-perikanan", frozenset({"production.*"})))
        for endpoint in silent:
            await stored_deliveries(database, endpoint, body, BLACK_HOLED_BACKLOG)
        timing = Timing(Schedule(), timedelta(days=5), timedelta(seconds=60), poll_seconds=0.5)
        couriers = Couriers(database, courier, timing)
        running = asyncio.create_task(couriers.run())
        try:
            while len(held) < 64 * BLACK_HOLED // 2:  # the black holes hold their share of the budget
                await asyncio.sleep(0.1)
            for _ in range(STARVATION_SECONDS * STARVATION_RATE // 10):
                await stored_deliveries(database, other, body, 10)
                await asyncio.sleep(10 / STARVATION_RATE)
            waits = await other_agencys_waits(database, other, STARVATION_SECONDS * STARVATION_RATE)
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            await couriers.stop()
        quantiles = statistics.quantiles(waits, n=100)
        print(
            f"  starvation: {BLACK_HOLED} endpoints of one agency black-holed at max_concurrency 64 "
            f"({len(held)} connections accepted, the replica's budget {timing.max_in_flight}); another agency's "
            f"{len(waits)} deliveries, stored to delivered: p50 {quantiles[49] * 1000:.0f} ms, "
            f"p99 {quantiles[98] * 1000:.0f} ms, max {max(waits) * 1000:.0f} ms"
        )


async def other_agencys_waits(database: ServiceDatabase, endpoint: Endpoint, count: int) -> list[float]:
    """Seconds from stored to delivered of the endpoint's deliveries, once all `count` are delivered."""
    collection = database.db[deliveries.DELIVERIES]
    query = {"endpoint_id": endpoint.id, "state": "delivered"}
    for _ in range(600):
        if await collection.count_documents(query) >= count:
            break
        await asyncio.sleep(0.1)
    found = collection.find(query, projection=["created_at", "delivered_at"])
    return [(d["delivered_at"] - d["created_at"]).total_seconds() async for d in found]


async def main() -> None:
    namespace = f"benchwh{uuid4().hex[:8]}_"
    receiver = subprocess.Popen(  # noqa: ASYNC220 (started once, before anything is timed)
        [sys.executable, "-m", "tests.bench.receiver", str(PORT)], cwd=REPO
    )
    client: AsyncMongoClient[Any] = AsyncMongoClient(MONGODB, tz_aware=True)
    database = ServiceDatabase(client=client, name=f"{namespace}notifications", source="/bench", topic="bench")
    courier = Courier(Targets(LOOPBACK, NameResolver(timeout_seconds=2.0, cache_seconds=30.0)), 10.0)
    await courier.open()
    url = f"http://127.0.0.1:{PORT}/hooks"
    try:
        await wait_ready_receiver(url)
        await database.ensure_indexes(merge_indexes(PLUMBING_INDEXES, INDEXES))
        endpoint = an_endpoint(url)
        await database.transaction(lambda tx: _saved(tx, [endpoint], []))
        await subscriptions.save_subscription(database, Subscription("dkpp", frozenset({"production.*"})))
        body = envelope_for(
            SiteRegistered(
                site_id="s",
                facility_id="f",
                name="n",
                kind="workshop",
                area_m2=None,
                volume_m3=None,
                registered_at=datetime.now(UTC),
            ),
            source="/services/production",
            subject="s",
            sequence=1,
        ).model_dump_json()
        print(f"webhooks, {DELIVERIES} deliveries a round, {CONCURRENCY} at a time, to a fast local receiver:")
        ratios = []
        for round_number in range(1, ROUNDS + 1):  # alternated, so a busy moment of the machine hits both
            plain = await plain_loop(courier, url, endpoint.secrets[0].value, body)
            await database.db[deliveries.DELIVERIES].delete_many({})
            await stored_deliveries(database, endpoint, body)
            platform = DELIVERIES / await with_couriers(database, courier, DELIVERIES)
            ratios.append(platform / plain)
            print(
                f"  round {round_number}: plain signed-POST loop {plain:,.0f} posts/s, couriers (claim, send, record) "
                f"{platform:,.0f} deliveries/s: ratio {platform / plain:.2f}"
            )
        print(f"  median ratio to the plain loop: {statistics.median(ratios):.2f}")
        stored, all_delivered = await fan_out(database, courier, url)
        print(
            f"  one event to {FAN_OUT} endpoints: deliveries stored in {stored * 1000:.0f} ms, "
            f"all delivered in {all_delivered * 1000:.0f} ms"
        )
        await starvation(database, courier, url, body)
    finally:
        await courier.close()
        await client.drop_database(f"{namespace}notifications")
        await client.close()
        receiver.terminate()
        receiver.wait(timeout=30)


async def wait_ready_receiver(url: str) -> None:
    async with new_client(1.0) as http:
        for _ in range(300):
            try:
                await http.post(url, content=b"{}")
                return
            except Exception:
                await asyncio.sleep(0.1)
    raise RuntimeError("the bench receiver never answered")


if __name__ == "__main__":
    _ = wait_ready  # the services' readiness helper; the receiver has no /health
    asyncio.run(main())
