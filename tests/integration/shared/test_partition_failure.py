"""A partition whose handling fails stops the consumer's other partitions with it: none of them goes on
handling or committing offsets after the consumer has stopped."""

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaTimeoutError
from pymongo import AsyncMongoClient

from shared.contracts.enrolment import ParticipantRegistered
from shared.messaging.consumer import EventConsumer, Message
from shared.messaging.envelope import Envelope
from shared.messaging.kafka import PLAINTEXT, TopicLayout, ensure_topics
from shared.messaging.reactions import On, Reactions
from shared.messaging.registry import EventData
from shared.storage.database import ServiceDatabase, Transaction
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import registered


class DeadLettersUnreachable(EventConsumer):
    """The dead-letter topic cannot be written: the poison message's partition fails, once the other
    partition is in the middle of its handling."""

    def __init__(self, other_partition_busy: asyncio.Event, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self._other_partition_busy = other_partition_busy

    async def _dead_letter(self, message: Message, producer: AIOKafkaProducer, reason: str) -> None:
        await self._other_partition_busy.wait()
        raise KafkaTimeoutError("the dead-letter topic is unreachable")


async def test_a_failing_partition_stops_the_others_before_they_handle_or_commit_anything(
    infrastructure: Infrastructure, namespace: str
) -> None:
    topic, group = f"{namespace}enrolment.events", f"{namespace}consumer"
    servers = infrastructure.kafka_bootstrap_servers
    await ensure_topics([topic], bootstrap_servers=servers, security=PLAINTEXT, layout=TopicLayout(partitions=2))
    producer = AIOKafkaProducer(bootstrap_servers=servers)
    await producer.start()
    await producer.send_and_wait(topic, value=b"not an event", key=b"poison", partition=0)
    await producer.send_and_wait(topic, value=registered("p-1"), key=b"p-1", partition=1)

    busy, release = asyncio.Event(), asyncio.Event()

    async def slow_reaction(tx: Transaction, envelope: Envelope, payload: EventData) -> None:
        busy.set()
        await release.wait()
        await tx.db["effects"].insert_one({"event_id": envelope.id}, session=tx.session)

    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)
    database = ServiceDatabase(client=client, name=f"{namespace}consumer", source="/tests", topic=f"{namespace}out")
    loop = DeadLettersUnreachable(
        busy,
        name="consumer",
        group=group,
        topics=[topic],
        reactions=Reactions(On(ParticipantRegistered, slow_reaction)),
        database=database,
        max_attempts=3,
        backoff_seconds=0.01,
        topic_prefix=namespace,  # enrolment's topic, in the test's namespace
    )
    consumer = AIOKafkaConsumer(
        bootstrap_servers=servers, group_id=group, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        with pytest.raises((ExceptionGroup, KafkaTimeoutError), match=r"unreachable|TaskGroup"):
            await asyncio.wait_for(loop.run(consumer, producer), timeout=60)
        assert busy.is_set()

        release.set()  # a partition task that outlived the failure would now write its effect and commit
        await asyncio.sleep(1.0)
        assert await database.db["effects"].count_documents({}) == 0
        assert await consumer.committed(TopicPartition(topic, 1)) is None
    finally:
        release.set()
        await consumer.stop()
        await producer.stop()
        await client.close()
