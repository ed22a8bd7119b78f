"""Services that start together create their topics together; each one's consumer sees them all at once."""

import asyncio

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.kafka import ensure_topics, new_consumer
from tests.support.infrastructure import Infrastructure
from tests.support.services import eventually


async def test_a_consumer_joining_right_after_a_racing_creation_is_assigned_every_partition(
    infrastructure: Infrastructure, namespace: str
) -> None:
    servers = infrastructure.kafka_bootstrap_servers
    topics = [f"{namespace}{service}.events" for service in ("enrolment", "production", "marketplace")]
    # two services starting at once, each creating the topics it publishes or consumes
    await asyncio.gather(
        ensure_topics(topics, bootstrap_servers=servers), ensure_topics(topics[::-1], bootstrap_servers=servers)
    )

    consumer = new_consumer(*topics, bootstrap_servers=servers, group_id=f"{namespace}group", client_id="test")
    await consumer.start()
    try:
        first_assignment = await eventually(lambda: _assigned(consumer))
    finally:
        await consumer.stop()
    assert first_assignment == {TopicPartition(topic, partition) for topic in topics for partition in range(3)}


async def _assigned(consumer: AIOKafkaConsumer) -> set[TopicPartition]:
    await consumer.getmany(timeout_ms=100)
    return set(consumer.assignment())
