"""The relay sets aside a record Kafka can never take and goes on; replicas' relays send each record once."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient

from shared.database import OUTBOX, ServiceDatabase, Transaction
from shared.events import Envelope
from shared.events.enrolment import ParticipantRegistered
from shared.kafka import PLAINTEXT, ensure_topics, new_producer, partitions_of
from shared.outbox import OUTBOX_SET_ASIDE, OutboxRelay
from tests.support.infrastructure import Infrastructure
from tests.support.services import eventually


@pytest.fixture
async def database(infrastructure: Infrastructure, namespace: str) -> AsyncIterator[ServiceDatabase]:
    topic = f"{namespace}enrolment.events"
    await ensure_topics([topic], security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers)
    client: AsyncMongoClient[dict] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)  # type: ignore[type-arg]
    yield ServiceDatabase(client=client, name=f"{namespace}enrolment", source="/tests", topic=topic)
    await client.close()


async def register(database: ServiceDatabase, participant_id: str) -> None:
    async def write(tx: Transaction) -> None:
        payload = ParticipantRegistered(participant_id=participant_id, facility_id="f", registered_at=datetime.now(UTC))
        await tx.publish(payload, subject=participant_id, sequence=1)

    await database.transaction(write)


async def subjects_on(infrastructure: Infrastructure, topic: str) -> list[str]:
    servers = infrastructure.kafka_bootstrap_servers
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(await partitions_of(topic, security=PLAINTEXT, bootstrap_servers=servers))
        batches = await consumer.getmany(timeout_ms=2000)
    finally:
        await consumer.stop()
    return sorted(Envelope.from_bytes(m.value).subject for records in batches.values() for m in records)


async def test_a_record_kafka_can_never_take_is_set_aside_and_the_rest_are_published(
    infrastructure: Infrastructure, namespace: str, database: ServiceDatabase
) -> None:
    await register(database, "p-before")
    await register(database, "p-oversized")
    await register(database, "p-after")
    oversized = {"key": "p-oversized"}
    await database.db[OUTBOX].update_one(oversized, {"$set": {"value": b"x" * 2_000_000}})

    producer = new_producer(
        security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers, client_id="test"
    )
    await producer.start()
    try:
        relay = OutboxRelay(database=database, producer=producer, service="test", poll_seconds=1, batch_size=10)
        assert await relay.publish_pending() == 2
    finally:
        await producer.stop()

    assert await subjects_on(infrastructure, f"{namespace}enrolment.events") == ["p-after", "p-before"]
    [set_aside] = await database.db[OUTBOX_SET_ASIDE].find({}).to_list()
    assert set_aside["key"] == "p-oversized"
    assert "MessageSizeTooLarge" in set_aside["reason"]
    assert await database.db[OUTBOX].count_documents({"published_at": None}) == 0


async def test_two_replicas_relaying_at_once_send_each_record_once(
    infrastructure: Infrastructure, namespace: str, database: ServiceDatabase
) -> None:
    subjects = [f"p-{index:03}" for index in range(60)]
    for subject in subjects:
        await register(database, subject)
    producers = [
        new_producer(
            security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers, client_id=f"replica-{replica}"
        )
        for replica in (1, 2)
    ]
    relays = [
        OutboxRelay(database=database, producer=producer, service="test", poll_seconds=0.05, batch_size=7)
        for producer in producers
    ]
    for producer in producers:
        await producer.start()
    running = [asyncio.create_task(relay.run()) for relay in relays]
    try:
        await eventually(lambda: _none_unpublished(database))
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        for producer in producers:
            await producer.stop()
    assert await subjects_on(infrastructure, f"{namespace}enrolment.events") == subjects


async def _none_unpublished(database: ServiceDatabase) -> bool:
    return await database.db[OUTBOX].count_documents({"published_at": None}) == 0
