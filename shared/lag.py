"""Consumer lag per group and partition: how far the consumer's position is behind the partition's end."""

import contextlib

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared import metrics


async def measure(consumer: AIOKafkaConsumer, *, service: str, group: str) -> None:
    """Per assigned partition, the messages between the position and the end the consumer may read (its last
    stable offset, as it reads committed only; the high watermark where that is unknown), as of the last fetch."""
    for tp in consumer.assignment():
        end = consumer.last_stable_offset(tp)
        if end is None:
            end = consumer.highwater(tp)
        if end is not None:
            behind = max(end - await consumer.position(tp), 0)
            metrics.CONSUMER_LAG.labels(service, group, tp.topic, str(tp.partition)).set(behind)


def forget(partitions: list[TopicPartition], *, service: str, group: str) -> None:
    """A partition that moved to another member of the group is that member's to report."""
    for tp in partitions:
        with contextlib.suppress(KeyError):
            metrics.CONSUMER_LAG.remove(service, group, tp.topic, str(tp.partition))
