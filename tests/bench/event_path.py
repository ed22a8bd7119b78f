"""`make bench`: the event path's throughput and latency, against raw aiokafka on the same broker.

Prints figures; asserts nothing about speed. Four measurements, one run, one broker and database:
  0. the database: one client inserting N documents one after another (no transaction): its own pace.
  1. raw aiokafka: produce N messages (acks=all, idempotent) then consume them all: the ceiling. A broker just
     started runs at half that pace or less until its JIT has warmed up, so rounds are repeated until one is no
     more than 10% faster than the best before it (at most RAW_ROUNDS), and once more after the platform's run;
     the best of all is the ceiling.
  2. outbox -> handler: N events already committed to enrolment's outbox when enrolment starts; the rate at
     which notifications' handler commits them, first to last.
  3. end to end: POST /participants accepted -> notifications' handler done, per event (p50, p99).
Services run as their own processes (python -m services.<name>) on a namespace of their own.
"""

import asyncio
import os
import statistics
import time
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient

from shared.http.api_keys import ApiKeys
from shared.messaging.kafka import PLAINTEXT, ensure_topics, new_producer
from shared.storage.database import POSITIONS, ServiceDatabase
from tests.support.infrastructure import Infrastructure, forget
from tests.support.outbox import fill_outbox
from tests.support.participants import new_registration
from tests.support.processes import start_service, stop_all, wait_ready

KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
MONGODB = os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017")
EVENTS = int(os.environ.get("BENCH_EVENTS", "20000"))
INSERTS = int(os.environ.get("BENCH_INSERTS", "3000"))
COMMANDS = int(os.environ.get("BENCH_COMMANDS", "300"))
RAW_MESSAGES = int(os.environ.get("BENCH_RAW_MESSAGES", "20000"))
RAW_ROUNDS = int(os.environ.get("BENCH_RAW_ROUNDS", "8"))
MIN_RAW_ROUNDS = 3


async def raw_kafka(topic: str, payload: bytes) -> float:
    """Messages per second for produce-all-then-consume-all with plain aiokafka, timed once the group has joined."""
    await ensure_topics([topic], security=PLAINTEXT, bootstrap_servers=KAFKA)
    producer = new_producer(security=PLAINTEXT, bootstrap_servers=KAFKA, client_id="bench")
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=KAFKA,
        group_id=f"{topic}.group",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await producer.start()
    await consumer.start()
    while not consumer.assignment():
        await consumer.getmany(timeout_ms=100)
    try:
        started = time.perf_counter()
        deliveries = [await producer.send(topic, value=payload, key=str(i % 97).encode()) for i in range(RAW_MESSAGES)]
        await asyncio.gather(*deliveries)
        received = 0
        while received < RAW_MESSAGES:
            batches = await consumer.getmany(timeout_ms=30_000, max_records=1000)
            if not batches:
                raise RuntimeError(f"raw consumer stuck at {received} of {RAW_MESSAGES} messages")
            received += sum(len(records) for records in batches.values())
        return RAW_MESSAGES / (time.perf_counter() - started)
    finally:
        await producer.stop()
        await consumer.stop()


async def warm_raw_kafka(namespace: str, payload: bytes) -> tuple[float, int]:
    """The raw ceiling on a warm broker, and how many rounds it took."""
    best = 0.0
    for round_number in range(1, RAW_ROUNDS + 1):
        rate = await raw_kafka(f"{namespace}raw{round_number}", payload)
        if round_number >= MIN_RAW_ROUNDS and rate <= best * 1.1:
            return max(best, rate), round_number
        best = rate
    return best, RAW_ROUNDS


async def database_inserts(client: AsyncMongoClient[Any], namespace: str, payload: bytes) -> float:
    """Documents per second that one client inserts one after another: the database's own single-insert pace."""
    collection = client[f"{namespace}raw"]["inserts"]
    started = time.perf_counter()
    for index in range(INSERTS):
        await collection.insert_one({"_id": index, "value": payload, "at": datetime.now(UTC)})
    return INSERTS / (time.perf_counter() - started)


async def count_when(collection: Any, expected: int, query: dict[str, Any]) -> None:
    """Wait until `expected` documents match, counted twice a second."""
    while await collection.count_documents(query) < expected:
        await asyncio.sleep(0.5)


async def feed_reaches(database: Any, count: int) -> None:
    """Wait until the feed has given out `count` positions: its one counter, read twice a second, where counting
    the feed itself would scan it and take the database from the services being measured."""
    while ((await database[POSITIONS].find_one({"_id": "event_feed"})) or {}).get("last", 0) < count:
        await asyncio.sleep(0.5)


async def outbox_to_handler(client: AsyncMongoClient[Any], namespace: str, count: int) -> float:
    """Events per second from the outbox to notifications' handler, first to last handled."""
    notifications = client[f"{namespace}notifications"]
    feed = notifications["event_feed"]
    await feed_reaches(notifications, count)
    first = await feed.find_one({}, sort=[("received_at", 1)])
    last = await feed.find_one({}, sort=[("received_at", -1)])
    assert first is not None
    assert last is not None
    return (count - 1) / (last["received_at"] - first["received_at"]).total_seconds()


async def end_to_end(client: AsyncMongoClient[Any], namespace: str, enrolment_url: str) -> list[float]:
    """Seconds from a command's 201 to the notifications handler's commit, one per command."""
    token = await ApiKeys(client[f"{namespace}enrolment"]).mint(
        name="bench", scopes=["participants:write", "platform:staff"]
    )
    feed = client[f"{namespace}notifications"]["event_feed"]
    accepted: dict[str, datetime] = {}
    async with httpx.AsyncClient(base_url=enrolment_url, headers={"X-API-Key": token}) as http:
        for _ in range(COMMANDS):
            response = await http.post("/participants", json=new_registration())
            response.raise_for_status()
            accepted[response.json()["id"]] = datetime.now(UTC)
            await asyncio.sleep(0.01)
    query = {"subject": {"$in": list(accepted)}}
    await count_when(feed, COMMANDS, query)
    return [(entry["received_at"] - accepted[entry["subject"]]).total_seconds() async for entry in feed.find(query)]


async def platform_run(client: AsyncMongoClient[Any], namespace: str) -> tuple[float, int, list[float]]:
    """Outbox -> handler rate over a backlog, its size, and the end-to-end latencies; services stopped after."""
    ports = {"enrolment": 18101, "notifications": 18104}
    processes = [start_service("notifications", ports["notifications"], namespace, kafka=KAFKA, mongodb=MONGODB)]
    try:
        await wait_ready(f"http://127.0.0.1:{ports['notifications']}")
        enrolment = ServiceDatabase(
            client=client,
            name=f"{namespace}enrolment",
            source="/services/enrolment",
            topic=f"{namespace}enrolment.events",
        )
        count = len(await fill_outbox(enrolment, EVENTS))
        processes.append(start_service("enrolment", ports["enrolment"], namespace, kafka=KAFKA, mongodb=MONGODB))
        platform = await outbox_to_handler(client, namespace, count)
        latencies = sorted(await end_to_end(client, namespace, f"http://127.0.0.1:{ports['enrolment']}"))
        return platform, count, latencies
    finally:
        stop_all(processes)


async def main() -> None:
    namespace = f"bench{uuid4().hex[:8]}_"
    payload = b"x" * 450
    print(f"broker {KAFKA}, database {MONGODB}, {EVENTS} events, {COMMANDS} commands")
    client: AsyncMongoClient[Any] = AsyncMongoClient(MONGODB, tz_aware=True)
    try:
        inserts = await database_inserts(client, namespace, payload)
        print(f"database single inserts, one client: {inserts:,.0f} inserts/s over {INSERTS} documents")
        before, rounds = await warm_raw_kafka(namespace, payload)
        platform, count, latencies = await platform_run(client, namespace)
        after = await raw_kafka(f"{namespace}raw-after", payload)  # the broker is warmest now
        raw = max(before, after)
        print(
            f"raw aiokafka produce+consume: {raw:,.0f} msg/s over {RAW_MESSAGES} messages "
            f"(the better of {before:,.0f} before the platform ran, best of {rounds} rounds, and {after:,.0f} after)"
        )
        print(
            f"platform outbox -> handler: {platform:,.0f} events/s over {count} events "
            f"(ratio to raw aiokafka: {platform / raw:.3f}; to single inserts: {platform / inserts:.2f})"
        )
        p50 = statistics.median(latencies)
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(
            f"end to end, command accepted -> handler done: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms "
            f"over {len(latencies)} commands"
        )
    finally:
        await client.close()
        await forget(Infrastructure(KAFKA, MONGODB), namespace)


if __name__ == "__main__":
    asyncio.run(main())
