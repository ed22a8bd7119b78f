"""What a consumer does as partitions come and go: its lag per partition measured, and its handled offsets
committed before a partition moves to another member of the group."""

import contextlib
from typing import Protocol

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener

from shared import metrics


class Committing(Protocol):
    name: str
    group: str

    async def commit(self, consumer: AIOKafkaConsumer, only: set[TopicPartition] | None = None) -> None: ...


async def measure_lag(consumer: AIOKafkaConsumer, *, service: str, group: str) -> None:
    """Per assigned partition, the messages between the position and the end the consumer may read (its last
    stable offset, as it reads committed only; the high watermark where that is unknown), as of the last fetch."""
    for tp in consumer.assignment():
        end = consumer.last_stable_offset(tp)
        if end is None:
            end = consumer.highwater(tp)
        if end is not None:
            behind = max(end - await consumer.position(tp), 0)
            metrics.CONSUMER_LAG.labels(service, group, tp.topic, str(tp.partition)).set(behind)


def forget_lag(partitions: list[TopicPartition], *, service: str, group: str) -> None:
    """A partition that moved to another member of the group is that member's to report."""
    for tp in partitions:
        with contextlib.suppress(KeyError):
            metrics.CONSUMER_LAG.remove(service, group, tp.topic, str(tp.partition))


class CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    """Commits handled offsets of partitions about to move to another member of the group."""

    def __init__(self, owner: Committing, consumer: AIOKafkaConsumer) -> None:
        self._owner = owner
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self._owner.commit(self._consumer, only=set(revoked))
        forget_lag(revoked, service=self._owner.name, group=self._owner.group)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        return None
