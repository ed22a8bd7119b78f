"""Every service's messages follow the CloudEvents Kafka protocol binding in structured content mode, as
the CloudEvents SDK (a reader written from the specification, not this project's own) reads them."""

from typing import Any

from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka_event

from shared.kafka import partitions_of
from tests.support.infrastructure import Infrastructure
from tests.support.participants import new_registration
from tests.support.production import rack
from tests.support.services import RunningService, eventually

STRUCTURED = "application/cloudevents+json"


async def messages_on(infrastructure: Infrastructure, topic: str) -> list[Any]:
    servers = infrastructure.kafka_bootstrap_servers
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(await partitions_of(topic, bootstrap_servers=servers))
        batches = await consumer.getmany(timeout_ms=1000)
        return [message for records in batches.values() for message in records]
    finally:
        await consumer.stop()


async def test_every_topic_carries_structured_cloudevents_keyed_by_subject(
    infrastructure: Infrastructure, namespace: str, enrolment: RunningService, production: RunningService
) -> None:
    officer = await enrolment.mint_key("participants:write")
    writer = await production.mint_key("production:write")
    assert (await enrolment.http.post("/participants", json=new_registration(), headers=officer)).status_code == 201
    assert (await production.http.post("/sites", json=rack(), headers=writer)).status_code == 201

    for service in ("enrolment", "production"):
        [message] = await eventually(lambda: messages_on(infrastructure, f"{namespace}{service}.events"))  # noqa: B023
        headers = dict(message.headers)
        assert headers["content-type"].decode().startswith(STRUCTURED)
        assert not [name for name in headers if name.lower().startswith("ce_")], "ce_ headers mean binary mode"

        event = from_kafka_event(KafkaMessage(headers=headers, key=message.key, value=message.value))
        assert event.get_specversion() == "1.0"
        assert event.get_source() == f"/services/{service}"
        assert event.get_type().startswith(f"{service}.")
        assert event.get_id()
        assert message.key.decode() == event.get_subject() == event.get_extension("partitionkey")
        assert event.get_extension("sequence") == 1
        assert event.get_dataschema().endswith(":v1")
