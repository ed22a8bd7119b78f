"""Kafka at the edges of a test: publish raw messages, read a dead-letter topic, build an event."""

from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

from shared.contracts.enrolment import ParticipantRegistered
from shared.messaging.envelope import Envelope
from shared.messaging.kafka import PLAINTEXT, partitions_of
from shared.messaging.registry import envelope_for
from tests.support.infrastructure import Infrastructure
from tests.support.outbox import published
from tests.support.services import RunningService, eventually


def registered(participant_id: str) -> bytes:
    payload = ParticipantRegistered(
        participant_id=participant_id, facility_id="rutan-serang", registered_at=datetime(2026, 11, 1, 8, tzinfo=UTC)
    )
    return envelope_for(payload, source="/tests", subject=participant_id, sequence=1).to_bytes()


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
