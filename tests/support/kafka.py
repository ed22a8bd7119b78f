"""Kafka at the edges of a test: publish raw messages (even bytes no producer writes), read a dead-letter topic,
build an event."""

import asyncio
import struct
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaClient, AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.protocol.produce import ProduceRequest
from aiokafka.record.util import calc_crc32c

from shared.contracts.enrolment import ParticipantRegistered
from shared.messaging.envelope import Envelope
from shared.messaging.kafka import PLAINTEXT, ensure_topics, partitions_of
from shared.messaging.registry import envelope_for
from tests.support.infrastructure import Infrastructure
from tests.support.outbox import published
from tests.support.services import RunningService, eventually


def registered(participant_id: str) -> bytes:
    payload = ParticipantRegistered(
        participant_id=participant_id, facility_id="rutan-serang", registered_at=datetime(2026, 11, 1, 8, tzinfo=UTC)
    )
    return envelope_for(payload, source="/services/enrolment", subject=participant_id, sequence=1).to_bytes()


async def messages_on(infrastructure: Infrastructure, topic: str) -> list[ConsumerRecord[bytes, bytes]]:
    """Every message on `topic` so far, each partition's in order: read from the start to the end offsets."""
    partitions = await partitions_of(
        topic, security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers
    )
    consumer = AIOKafkaConsumer(
        bootstrap_servers=infrastructure.kafka_bootstrap_servers, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        messages: list[ConsumerRecord[bytes, bytes]] = []
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            batches = await consumer.getmany(timeout_ms=1000)
            messages += [message for records in batches.values() for message in records]
        return messages
    finally:
        await consumer.stop()


async def events_on(infrastructure: Infrastructure, topic: str) -> list[Envelope]:
    """The events on `topic` so far (tombstones left out)."""
    return [Envelope.from_bytes(m.value) for m in await messages_on(infrastructure, topic) if m.value is not None]


async def dead_letters(infrastructure: Infrastructure, topic: str) -> list[dict[str, Any]]:
    return [
        {"value": m.value, "key": m.key, "headers": {k: v.decode() for k, v in m.headers}}
        for m in await messages_on(infrastructure, topic)
    ]


async def publish(infrastructure: Infrastructure, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.kafka_bootstrap_servers)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


async def published_by(service: RunningService, infrastructure: Infrastructure) -> list[Envelope]:
    """The events a running service has published on its topic, once its outbox is empty, oldest first."""
    settings = service.runtime.settings
    outbox = service.runtime.database.db["outbox"]
    await eventually(lambda: published(outbox, {}))
    events = await events_on(infrastructure, settings.topic(f"{settings.service_name}.events"))
    return sorted(events, key=lambda event: event.time)


@dataclass(frozen=True)
class RawRecord:
    """A record as Kafka stores it: any bytes in its key, value, header keys and header values."""

    value: bytes | None
    key: bytes | None = None
    headers: list[tuple[bytes, bytes | None]] = field(default_factory=list)


RETRIABLE = {3, 5, 6}
"""Unknown topic or partition, leader not available, not leader: the broker's answers while a topic is being made."""


def _varint(value: int) -> bytes:
    zigzag, out = (value << 1) ^ (value >> 63), bytearray()
    while True:
        byte, zigzag = zigzag & 0x7F, zigzag >> 7
        out.append(byte | (0x80 if zigzag else 0))
        if not zigzag:
            return bytes(out)


def _nullable(data: bytes | None) -> bytes:
    return _varint(-1) if data is None else _varint(len(data)) + data


def record_batch(records: list[RawRecord]) -> bytes:
    """A v2 record batch of these records, written byte by byte (aiokafka's producer writes header keys only
    from text, so it cannot write one that is not UTF-8)."""
    body = bytearray()
    for delta, record in enumerate(records):
        headers = b"".join(_nullable(key) + _nullable(value) for key, value in record.headers)
        fields = b"\0" + _varint(0) + _varint(delta) + _nullable(record.key) + _nullable(record.value)
        fields += _varint(len(record.headers)) + headers
        body += _varint(len(fields)) + fields
    now = int(time.time() * 1000)
    after_crc = struct.pack(">hiqqqhii", 0, len(records) - 1, now, now, -1, -1, -1, len(records)) + body
    crc = calc_crc32c(after_crc)
    return struct.pack(">qiibI", 0, 4 + 1 + 4 + len(after_crc), -1, 2, crc) + after_crc


async def produce_raw(infrastructure: Infrastructure, topic: str, records: list[RawRecord], partition: int = 0) -> int:
    """Write the records to one partition as one batch, with a produce request of our own making; the offset of
    the first."""
    servers = infrastructure.kafka_bootstrap_servers
    await ensure_topics([topic], security=PLAINTEXT, bootstrap_servers=servers)  # it may be the service's to make
    client = AIOKafkaClient(bootstrap_servers=servers)
    await client.bootstrap()
    batch = record_batch(records)
    try:
        for _ in range(100):  # a topic just made may have no leader in the metadata yet, or one not leading yet
            metadata = await client.fetch_all_metadata()
            leader = metadata.leader_for_partition(TopicPartition(topic, partition))
            if leader is not None:
                request = ProduceRequest(
                    transactional_id=None, required_acks=-1, timeout=10_000, topics=[(topic, [(partition, batch)])]
                )
                response = await client.send(leader, request)
                [(_, [(_, error_code, base_offset, *_)])] = response.topics
                if error_code == 0:
                    return int(base_offset)
                assert error_code in RETRIABLE, f"the broker refused the batch: error {error_code}"
            await asyncio.sleep(0.1)
        raise AssertionError(f"no leader took the batch for {topic}[{partition}]")
    finally:
        await client.close()


async def raw_dead_letters(infrastructure: Infrastructure, topic: str) -> list[ConsumerRecord[bytes, bytes]]:
    """The letters on a dead-letter topic as they are, header values not decoded."""
    return await messages_on(infrastructure, topic)
