"""`deploy.operate replay-dead-letters` sends a consumer's dead letters back to their topic, once each: the
service applies them, and a second run replays only what was dead-lettered since."""

from typing import Any

from aiokafka import AIOKafkaProducer

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import registered
from tests.support.operate import operate
from tests.support.services import RunningService, eventually


async def dead_letter(bootstrap: str, topic: str, participant_id: str, *, consumer: str) -> None:
    """A registration the consumer gave up on (its database was down for longer than its attempts, say)."""
    headers = [
        ("content-type", b"application/cloudevents+json; charset=UTF-8"),
        ("dlq.reason", b"ServerSelectionTimeoutError: the database did not answer"),
        ("dlq.original_topic", topic.encode()),
        ("dlq.original_partition", b"0"),
        ("dlq.original_offset", b"0"),
        ("dlq.consumer", consumer.encode()),
        ("dlq.failed_at", b"2026-11-29T08:00:00+00:00"),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            f"{topic}.dlq", registered(participant_id), key=participant_id.encode(), headers=headers
        )
    finally:
        await producer.stop()


async def test_dead_letters_replayed_by_the_runbook_command_are_applied_once(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    bootstrap, topic = infrastructure.kafka_bootstrap_servers, f"{namespace}enrolment.events"
    participants: Any = production.runtime.database.db["participants"]
    await dead_letter(bootstrap, topic, "p-lost", consumer="production")
    await dead_letter(bootstrap, topic, "p-not-ours", consumer="marketplace")

    replayed = await operate(
        infrastructure, namespace, "replay-dead-letters", "enrolment.events", "--service", "production"
    )
    assert replayed.code == 0, replayed.err
    assert replayed.out.strip() == f"replayed 1 dead letter(s) of production to {topic}"
    await eventually(lambda: participants.find_one({"_id": "p-lost"}))

    await dead_letter(bootstrap, topic, "p-later", consumer="production")
    again = await operate(
        infrastructure, namespace, "replay-dead-letters", "enrolment.events", "--service", "production"
    )
    assert again.out.strip() == f"replayed 1 dead letter(s) of production to {topic}"
    await eventually(lambda: participants.find_one({"_id": "p-later"}))
    assert await participants.find_one({"_id": "p-not-ours"}) is None
