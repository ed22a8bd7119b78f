"""Two replicas of one service share its consumer group: partitions move between them, and every event
is still handled exactly once in effect."""

from contextlib import AsyncExitStack
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from services.production.main import ProductionSettings
from services.production.main import create_app as create_production
from shared.contracts.enrolment import ParticipantRegistered
from shared.messaging.registry import envelope_for
from tests.support.infrastructure import Infrastructure
from tests.support.services import eventually, serving, settings_for

EVENTS = 300


async def publish_registrations(infrastructure: Infrastructure, topic: str, first: int, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.kafka_bootstrap_servers, linger_ms=5)
    await producer.start()
    try:
        for number in range(first, first + count):
            participant_id = f"p-{number}"
            payload = ParticipantRegistered(
                participant_id=participant_id,
                facility_id="rutan-serang",
                registered_at=datetime(2026, 11, 1, 8, tzinfo=UTC),
            )
            envelope = envelope_for(payload, source="/services/enrolment", subject=participant_id, sequence=1)
            await producer.send(topic, value=envelope.to_bytes(), key=participant_id.encode())
        await producer.flush()
    finally:
        await producer.stop()


async def test_a_replica_joining_and_one_leaving_mid_stream_lose_nothing(
    infrastructure: Infrastructure, namespace: str
) -> None:
    settings = settings_for(ProductionSettings, infrastructure, namespace)
    topic = f"{namespace}enrolment.events"
    async with AsyncExitStack() as first_replica, serving(create_production(settings)) as survivor:
        await first_replica.enter_async_context(serving(create_production(settings)))
        await publish_registrations(infrastructure, topic, 0, EVENTS // 2)
        await first_replica.aclose()  # leaves the group with whatever it had not committed
        await publish_registrations(infrastructure, topic, EVENTS // 2, EVENTS // 2)
        participants = survivor.runtime.database.db["participants"]

        async def all_known() -> int | None:
            count: int = await participants.count_documents({})
            return count if count == EVENTS else None

        await eventually(all_known, timeout=60)
        handled = await survivor.runtime.database.db["processed_events"].count_documents({})
        assert handled == EVENTS
