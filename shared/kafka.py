"""Kafka clients configured the platform's way."""

import contextlib

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError


def new_producer(*, bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    """Idempotent, acks=all: a retried send is written once and in order per partition."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        request_timeout_ms=15_000,
    )


def new_consumer(*topics: str, bootstrap_servers: str, group_id: str, client_id: str) -> AIOKafkaConsumer:
    """Offsets are committed by the consumer loop, only after an event is handled."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        metadata_max_age_ms=30_000,
    )


async def ensure_topics(topics: list[str], *, bootstrap_servers: str, partitions: int = 3) -> None:
    """Create the topics that do not exist yet; the broker's defaults do the rest."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=15_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(name, partitions, 1) for name in topics if name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


async def partitions_of(topic: str, *, bootstrap_servers: str) -> list[TopicPartition]:
    """Every partition of an existing topic."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=15_000)
    await admin.start()
    try:
        [description] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [TopicPartition(topic, partition["partition"]) for partition in description["partitions"]]
