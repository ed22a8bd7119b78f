"""Services killed outright (SIGKILL) in the middle of their work lose nothing and apply nothing twice; two
instances of one service share its partitions, and one stopped with SIGTERM hands its own over."""

import asyncio
import signal
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from shared.contracts.enrolment import ParticipantRegistered
from shared.messaging.registry import envelope_for
from shared.storage.database import ServiceDatabase
from tests.support.infrastructure import Infrastructure
from tests.support.outbox import REGISTRATIONS, fill_outbox
from tests.support.private_servers import free_port
from tests.support.processes import start_service, wait_ready
from tests.support.services import eventually

EVENTS = 3000


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        process.kill()
        process.wait(timeout=30)


async def test_a_relay_and_a_consumer_killed_mid_batch_lose_nothing_and_apply_nothing_twice(
    infrastructure: Infrastructure, namespace: str, processes: list[subprocess.Popen[bytes]]
) -> None:
    servers = {"kafka": infrastructure.kafka_bootstrap_servers, "mongodb": infrastructure.mongodb_url}
    ports = {"enrolment": free_port(), "notifications": free_port()}
    client: AsyncMongoClient[Any] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)
    enrolment_db = ServiceDatabase(
        client=client, name=f"{namespace}enrolment", source="/services/enrolment", topic=f"{namespace}enrolment.events"
    )
    feed = client[f"{namespace}notifications"]["event_feed"]
    outbox = enrolment_db.db["outbox"]

    def start(name: str) -> None:
        # small batches, so that a kill lands between a batch's sends and its deletion, or inside a handled chunk
        settings = {"outbox_batch_size": "50"} if name == "enrolment" else {"consumer_batch_size": "20"}
        processes.append(start_service(name, ports[name], namespace, **servers, **settings))

    async def at_least(count: int, collection: Any, query: dict[str, Any]) -> bool:
        return await collection.count_documents(query) >= count

    async def at_most(count: int, collection: Any, query: dict[str, Any]) -> bool:
        return await collection.count_documents(query) <= count

    try:
        start("notifications")
        await wait_ready(f"http://127.0.0.1:{ports['notifications']}")
        subjects = await fill_outbox(enrolment_db, EVENTS)
        start("enrolment")

        await eventually(lambda: at_most(EVENTS - EVENTS // 4, outbox, {}))  # a quarter published (and deleted)
        processes[-1].send_signal(signal.SIGKILL)  # the relay, mid-stream
        await eventually(lambda: at_least(EVENTS // 8, feed, REGISTRATIONS))
        processes[0].send_signal(signal.SIGKILL)  # the consumer, mid-stream
        start("enrolment")
        await asyncio.sleep(1)
        start("notifications")

        await eventually(lambda: at_least(EVENTS, feed, REGISTRATIONS), timeout=120)
        await asyncio.sleep(2)  # anything sent twice would land by now
        entries = await feed.find(REGISTRATIONS, projection={"subject": True, "event_id": True}).to_list()
    finally:
        await client.close()
    assert len(entries) == EVENTS
    assert sorted(entry["subject"] for entry in entries) == sorted(subjects)
    assert len({entry["event_id"] for entry in entries}) == EVENTS


async def publish_registrations(bootstrap: str, topic: str, count: int) -> list[str]:
    """`count` registrations of new participants, spread over the topic's partitions by their ids."""
    subjects = [str(uuid4()) for _ in range(count)]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    try:
        for subject in subjects:
            payload = ParticipantRegistered(
                participant_id=subject, facility_id="rutan-serang", registered_at=datetime.now(UTC)
            )
            envelope = envelope_for(payload, source="/services/enrolment", subject=subject, sequence=1)
            await producer.send(topic, envelope.to_bytes(), key=subject.encode())
        await producer.flush()
    finally:
        await producer.stop()
    return subjects


async def handled_by(port: int) -> float:
    """Events this instance has handled, from its own /metrics."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        text = (await http.get("/metrics")).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("events_consumed_total{") and 'outcome="handled"' in line
    )


async def two_instances(
    infrastructure: Infrastructure, namespace: str, processes: list[subprocess.Popen[bytes]]
) -> list[int]:
    """Two notifications processes in one consumer group, both ready; their ports."""
    ports = [free_port(), free_port()]
    for port in ports:
        servers = {"kafka": infrastructure.kafka_bootstrap_servers, "mongodb": infrastructure.mongodb_url}
        processes.append(start_service("notifications", port, namespace, **servers))
    for port in ports:
        await wait_ready(f"http://127.0.0.1:{port}")
    return ports


async def test_two_instances_share_the_partitions_and_one_stopped_with_sigterm_hands_its_own_over(
    infrastructure: Infrastructure, namespace: str, processes: list[subprocess.Popen[bytes]]
) -> None:
    bootstrap, topic = infrastructure.kafka_bootstrap_servers, f"{namespace}enrolment.events"
    ports = [free_port(), free_port()]
    for port in ports:
        processes.append(
            start_service("notifications", port, namespace, kafka=bootstrap, mongodb=infrastructure.mongodb_url)
        )
    for port in ports:
        await wait_ready(f"http://127.0.0.1:{port}")
    client: AsyncMongoClient[Any] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)
    feed = client[f"{namespace}notifications"]["event_feed"]
    published: list[str] = []

    async def both_handling() -> bool:
        published.extend(await publish_registrations(bootstrap, topic, 30))  # until the group has settled
        return all([await handled_by(port) for port in ports])

    async def fed(count: int) -> bool:
        return bool(await feed.count_documents({}) >= count)

    try:
        await eventually(both_handling)
        during = [asyncio.create_task(publish_registrations(bootstrap, topic, 50)) for _ in range(12)]
        await eventually(lambda: fed(len(published) + 100))
        processes[1].send_signal(signal.SIGTERM)  # mid-stream: its partitions go to the other instance
        for batch in during:
            published.extend(await batch)
        # uvicorn shuts the app down (the consumer leaves the group), then re-raises the signal it caught
        assert await asyncio.to_thread(processes[1].wait, 60) == -signal.SIGTERM
        published.extend(await publish_registrations(bootstrap, topic, 300))
        await eventually(lambda: fed(len(published)), timeout=120)
        entries = await feed.find({}, projection={"subject": True, "event_id": True}).to_list()
    finally:
        await client.close()
    assert sorted(entry["subject"] for entry in entries) == sorted(published)
    assert len({entry["event_id"] for entry in entries}) == len(published)
