"""How the outbox relay hands records to Kafka: a partition's records in batches the relay builds itself (one
delivery to wait for per batch, not per record), each record where Kafka's default partitioner puts its key;
what Kafka can never take is told apart from what failed for now."""

import asyncio
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    CorruptRecordException,
    InvalidTimestampError,
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
)

from shared.messaging.kafka import partition_for_key
from shared.storage.database import Document

STRUCTURED_CONTENT_TYPE = ("content-type", b"application/cloudevents+json; charset=UTF-8")
"""The CloudEvents Kafka binding's structured content mode: the whole event, as JSON, in the value."""


class MalformedRecord(ValueError):
    """An outbox record without the topic, key or bytes a message needs."""


NEVER_SENDABLE = (
    MalformedRecord,
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    InvalidTopicError,
    CorruptRecordException,
    InvalidTimestampError,
)
"""What Kafka refuses whatever the retries: such a record is set aside, not retried forever."""


@dataclass
class Sends:
    """The records Kafka acknowledged, and those it can never take, with why."""

    sent: list[Document] = field(default_factory=list)
    refused: list[tuple[Document, Exception]] = field(default_factory=list)


@dataclass(frozen=True)
class Message:
    record: Document
    topic: str
    key: bytes
    value: bytes | None  # None: a compaction tombstone

    @classmethod
    def of(cls, record: Document) -> "Message":
        try:
            value = None if record["value"] is None else bytes(record["value"])
            return cls(record, record["topic"], record["key"].encode(), value)
        except (KeyError, TypeError, AttributeError) as error:
            raise MalformedRecord(f"not a record the relay can send ({type(error).__name__})") from None

    @property
    def headers(self) -> list[tuple[str, bytes]]:
        return [] if self.value is None else [STRUCTURED_CONTENT_TYPE]


async def send_all(producer: AIOKafkaProducer, records: list[Document]) -> Sends:
    """Send every record, each partition's in the order given, and wait for the acks. Any failure but a refusal
    for good (the broker away) raises, and the caller sends them all again later."""
    sends, partitions = Sends(), dict[tuple[str, int], list[Message]]()
    topics: dict[str, list[int]] = {}
    for record in records:
        try:
            message = Message.of(record)
            if message.topic not in topics:
                topics[message.topic] = sorted(await producer.partitions_for(message.topic))
        except NEVER_SENDABLE as error:
            sends.refused.append((record, error))
            continue
        partition = partition_for_key(message.key, topics[message.topic], topics[message.topic])
        partitions.setdefault((message.topic, partition), []).append(message)
    try:
        async with asyncio.TaskGroup() as each:  # partitions side by side; within one, batch after batch
            for (topic, partition), messages in partitions.items():
                each.create_task(_send_partition(producer, topic, partition, messages, sends))
    except ExceptionGroup as failed:  # the first partition's failure, as the relay logs and retries it
        raise failed.exceptions[0] from failed
    return sends


async def _send_partition(
    producer: AIOKafkaProducer, topic: str, partition: int, messages: list[Message], sends: Sends
) -> None:
    deliveries: list[tuple[list[Message], asyncio.Future[object]]] = []
    batch, members = producer.create_batch(), list[Message]()
    for message in messages:
        if batch.append(key=message.key, value=message.value, timestamp=None, headers=message.headers) is None:
            deliveries.append((members, await producer.send_batch(batch, topic, partition=partition)))
            batch, members = producer.create_batch(), []
            batch.append(key=message.key, value=message.value, timestamp=None, headers=message.headers)  # fits
        members.append(message)
    batch.close()  # a closed batch goes at once, without lingering for more
    deliveries.append((members, await producer.send_batch(batch, topic, partition=partition)))
    acks = await asyncio.gather(*(delivery for _, delivery in deliveries), return_exceptions=True)
    for (members, _), ack in zip(deliveries, acks, strict=True):
        if isinstance(ack, NEVER_SENDABLE) and len(members) > 1:  # which of them? each on its own tells
            # only a topic whose max.message.bytes is below the producer's batch size gets here, and then these
            # records follow the partition's later batches: an aggregate's events may arrive out of order
            await _send_one_by_one(producer, members, sends)
        elif isinstance(ack, NEVER_SENDABLE):
            sends.refused.append((members[0].record, ack))
        elif isinstance(ack, BaseException):
            raise ack
        else:
            sends.sent.extend(message.record for message in members)


async def _send_one_by_one(producer: AIOKafkaProducer, messages: list[Message], sends: Sends) -> None:
    for message in messages:
        try:
            delivery = await producer.send(message.topic, value=message.value, key=message.key, headers=message.headers)
            await delivery
        except NEVER_SENDABLE as error:
            sends.refused.append((message.record, error))
        else:
            sends.sent.append(message.record)
