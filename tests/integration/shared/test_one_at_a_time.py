"""Reactions that ask to run one at a time (they all write one counter) never overlap across partitions;
others do, so a partition's work does not wait on another's."""

import asyncio
from collections.abc import Sequence

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import AsyncMongoClient

from shared.contracts.enrolment import ParticipantRegistered
from shared.messaging.consumer import EventConsumer
from shared.messaging.kafka import PLAINTEXT, TopicLayout, ensure_topics
from shared.messaging.reactions import OnRun, Reactions, Received
from shared.storage.database import ServiceDatabase, Transaction
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import registered


@pytest.mark.parametrize("one_at_a_time", [True, False])
async def test_partitions_overlap_unless_their_reaction_runs_one_at_a_time(
    infrastructure: Infrastructure, namespace: str, one_at_a_time: bool
) -> None:
    topic, servers, group = f"{namespace}enrolment.events", infrastructure.kafka_bootstrap_servers, f"{namespace}c"
    await ensure_topics([topic], bootstrap_servers=servers, security=PLAINTEXT, layout=TopicLayout(partitions=2))
    producer = AIOKafkaProducer(bootstrap_servers=servers)
    await producer.start()
    for partition in (0, 1):
        await producer.send_and_wait(topic, value=registered(f"p-{partition}"), key=b"k", partition=partition)
    await producer.stop()

    running, most_at_once, handled = 0, 0, asyncio.Event()

    async def slow_run(tx: Transaction, received: Sequence[Received[ParticipantRegistered]]) -> None:
        nonlocal running, most_at_once
        running += 1
        most_at_once = max(most_at_once, running)
        await asyncio.sleep(0.3)  # long enough for the other partition's task to start its own
        running -= 1
        await tx.db["effects"].insert_one({"subject": received[0][0].subject}, session=tx.session)
        if await tx.db["effects"].count_documents({}, session=tx.session) == 2:
            handled.set()

    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)
    database = ServiceDatabase(client=client, name=f"{namespace}consumer", source="/tests", topic=f"{namespace}out")
    row = OnRun(ParticipantRegistered, slow_run, one_at_a_time=one_at_a_time)
    loop = EventConsumer(
        name="consumer", group=group, topics=[topic], reactions=Reactions(row),
        database=database, max_attempts=3, backoff_seconds=0.01, topic_prefix=namespace,
    )  # fmt: skip
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, group_id=group, auto_offset_reset="earliest")
    await consumer.start()
    consuming = asyncio.create_task(loop.run(consumer, producer))
    try:
        await asyncio.wait_for(handled.wait(), timeout=30)
    finally:
        consuming.cancel()
        await asyncio.gather(consuming, return_exceptions=True)
        await consumer.stop()
        await client.close()
    assert most_at_once == (1 if one_at_a_time else 2)
