"""Services that start together create their topics together; each one's consumer sees them all at once."""

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.messaging.kafka import PLAINTEXT, TopicLayout, TopicsRefused, ensure_topics, new_consumer, partitions_of
from tests.support.infrastructure import Infrastructure
from tests.support.services import eventually


async def test_a_consumer_joining_right_after_a_racing_creation_is_assigned_every_partition(
    infrastructure: Infrastructure, namespace: str
) -> None:
    servers = infrastructure.kafka_bootstrap_servers
    topics = [f"{namespace}{service}.events" for service in ("enrolment", "production", "marketplace")]
    # two services starting at once, each creating the topics it publishes or consumes
    await asyncio.gather(
        ensure_topics(topics, security=PLAINTEXT, bootstrap_servers=servers),
        ensure_topics(topics[::-1], security=PLAINTEXT, bootstrap_servers=servers),
    )

    consumer = new_consumer(
        *topics, security=PLAINTEXT, bootstrap_servers=servers, group_id=f"{namespace}group", client_id="test"
    )
    await consumer.start()
    try:
        first_assignment = await eventually(lambda: _assigned(consumer))
    finally:
        await consumer.stop()
    assert first_assignment == {TopicPartition(topic, partition) for topic in topics for partition in range(3)}


async def _assigned(consumer: AIOKafkaConsumer) -> set[TopicPartition]:
    await consumer.getmany(timeout_ms=100)
    return set(consumer.assignment())


async def test_new_topics_take_their_partitions_and_min_insync_replicas_from_the_layout(
    infrastructure: Infrastructure, namespace: str
) -> None:
    servers = infrastructure.kafka_bootstrap_servers
    topic = f"{namespace}layout.events"
    await ensure_topics(
        [topic], security=PLAINTEXT, bootstrap_servers=servers, layout=TopicLayout(partitions=2, min_insync_replicas=2)
    )
    assert len(await partitions_of(topic, security=PLAINTEXT, bootstrap_servers=servers)) == 2
    assert await topic_config(servers, topic, "min.insync.replicas") == "2"


async def test_more_replicas_than_brokers_is_refused_naming_the_topic(
    infrastructure: Infrastructure, namespace: str
) -> None:
    topic = f"{namespace}replicated.events"
    with pytest.raises(TopicsRefused, match=topic):
        await ensure_topics(
            [topic],
            security=PLAINTEXT,
            bootstrap_servers=infrastructure.kafka_bootstrap_servers,
            layout=TopicLayout(replication_factor=3),
        )


async def topic_config(servers: str, topic: str, name: str) -> str:
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    [(_, _, _, _, entries)] = response.resources
    return next(value for key, value, *_ in entries if key == name)
