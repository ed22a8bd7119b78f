"""Consumer lag is measured per group and partition from the consumer's position to the partition's end, and a
partition that moves away stops being reported by this member."""

from aiokafka import TopicPartition
from prometheus_client import REGISTRY

from shared.messaging.kafka import PLAINTEXT, TopicLayout, ensure_topics, new_consumer
from shared.messaging.partitions import forget_lag, measure_lag
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import publish


def lag_of(group: str, topic: str, partition: int) -> float | None:
    labels = {"service": "any", "group": group, "topic": topic, "partition": str(partition)}
    return REGISTRY.get_sample_value("consumer_lag_messages", labels)


async def test_lag_counts_what_is_left_after_the_position_and_is_forgotten_when_the_partition_moves(
    infrastructure: Infrastructure, namespace: str
) -> None:
    topic, group = f"{namespace}lagging.events", f"{namespace}lagging"
    await ensure_topics(
        [topic],
        security=PLAINTEXT,
        bootstrap_servers=infrastructure.kafka_bootstrap_servers,
        layout=TopicLayout(partitions=1),
    )
    await publish(infrastructure, topic, [(b"k", b"%d" % number) for number in range(10)])
    consumer = new_consumer(
        security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers, group_id=group, client_id="t"
    )
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        fetched = await consumer.getmany(partition, timeout_ms=10_000, max_records=3)
        assert len(fetched[partition]) == 3
        await measure_lag(consumer, service="any", group=group)
        assert lag_of(group, topic, 0) == 7

        rest = await consumer.getmany(partition, timeout_ms=10_000, max_records=7)
        assert len(rest[partition]) == 7
        await measure_lag(consumer, service="any", group=group)
        assert lag_of(group, topic, 0) == 0
    finally:
        await consumer.stop()
    forget_lag([partition], service="any", group=group)
    assert lag_of(group, topic, 0) is None
