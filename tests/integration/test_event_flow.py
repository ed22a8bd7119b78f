"""An event written through one service's outbox reaches the consumers of other services, once in effect."""

from typing import Any

from aiokafka import AIOKafkaProducer

from shared.messaging.envelope import Envelope
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import messages_on
from tests.support.participants import new_registration
from tests.support.services import RunningService, eventually


async def feed_entries(notifications: RunningService, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = await notifications.http.get("/events", params={"limit": 500, **params}, headers=headers)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


async def test_a_registration_reaches_the_feed_and_the_production_read_model_once(
    enrolment: RunningService, production: RunningService, notifications: RunningService
) -> None:
    officer = await enrolment.mint_key("participants:write")
    reader = await notifications.mint_key("events:read")

    response = await enrolment.http.post(
        "/participants", json=new_registration(), headers={**officer, "X-Request-ID": "req-flow-1"}
    )
    assert response.status_code == 201, response.text
    participant_id = response.json()["id"]

    async def fed() -> list[dict[str, Any]]:
        return [e for e in await feed_entries(notifications, reader) if e["subject"] == participant_id]

    [entry] = await eventually(fed)
    assert entry["type"] == "enrolment.participant.registered"
    assert entry["correlation_id"] == "req-flow-1"
    assert entry["data"] == {
        "participant_id": participant_id,
        "facility_id": "rutan-serang",
        "registered_at": entry["data"]["registered_at"],
    }

    read_model = production.runtime.database.db["participants"]
    known = await eventually(lambda: read_model.find_one({"_id": participant_id}))
    assert known["status"] == "in_custody"


async def test_a_redelivered_event_changes_nothing(
    infrastructure: Infrastructure,
    namespace: str,
    enrolment: RunningService,
    production: RunningService,
    notifications: RunningService,
) -> None:
    officer = await enrolment.mint_key("participants:write")
    reader = await notifications.mint_key("events:read")
    participant_id = (await enrolment.http.post("/participants", json=new_registration(), headers=officer)).json()["id"]
    await eventually(lambda: feed_entries(notifications, reader))
    topic = f"{namespace}enrolment.events"
    [published] = [m for m in await messages_on(infrastructure, topic) if m.key == participant_id.encode()]

    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.kafka_bootstrap_servers)
    await producer.start()
    try:
        for _ in range(2):
            again = {"value": published.value, "key": published.key, "headers": list(published.headers)}
            await producer.send_and_wait(topic, **again)
    finally:
        await producer.stop()

    consumed = production.runtime.consumer
    assert consumed is not None
    duplicates = production.runtime.database.db["processed_events"]
    await eventually(lambda: _duplicate_count(namespace, "notifications", 2))
    await eventually(lambda: _duplicate_count(namespace, "production", 2))
    # notifications' feed entry is its dedupe record; production keeps one of its own
    assert len([e for e in await feed_entries(notifications, reader) if e["subject"] == participant_id]) == 1
    event_id = Envelope.from_bytes(published.value).id
    assert await duplicates.count_documents({"event_id": event_id}) == 1


async def _duplicate_count(namespace: str, service: str, expected: int) -> bool:
    from prometheus_client import REGISTRY

    value = sum(
        sample.value
        for metric in REGISTRY.collect()
        if metric.name == "events_consumed"
        for sample in metric.samples
        if sample.name == "events_consumed_total"
        and sample.labels.get("service") == service
        and sample.labels.get("outcome") == "duplicate"
        and sample.labels["topic"].startswith(namespace)
    )
    return value >= expected
