"""Kafka at the edges of a test: publish raw messages, read a dead-letter topic, build an event."""

from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.events.enrolment import ParticipantRegistered
from shared.events.registry import envelope_for
from shared.kafka import PLAINTEXT, partitions_of
from tests.support.infrastructure import Infrastructure


def registered(participant_id: str) -> bytes:
    payload = ParticipantRegistered(
        participant_id=participant_id, facility_id="rutan-serang", registered_at=datetime(2026, 11, 1, 8, tzinfo=UTC)
    )
    return envelope_for(payload, source="/tests", subject=participant_id, sequence=1).to_bytes()


async def dead_letters(infrastructure: Infrastructure, topic: str) -> list[dict[str, Any]]:
    partitions = await partitions_of(
        topic, security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers
    )
    consumer = AIOKafkaConsumer(
        bootstrap_servers=infrastructure.kafka_bootstrap_servers, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        batches = await consumer.getmany(timeout_ms=1000)
        return [
            {"value": m.value, "key": m.key, "headers": {k: v.decode() for k, v in m.headers}}
            for records in batches.values()
            for m in records
        ]
    finally:
        await consumer.stop()


async def publish(infrastructure: Infrastructure, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.kafka_bootstrap_servers)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()
