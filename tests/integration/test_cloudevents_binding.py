"""Every service's messages follow the CloudEvents Kafka protocol binding in structured content mode, as
the CloudEvents SDK (a reader written from the specification, not this project's own) reads them."""

from typing import Any

from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka_event

from shared.messaging.kafka import PLAINTEXT, partitions_of
from tests.support.infrastructure import Infrastructure
from tests.support.marketplace import Season, draft_of, learn, published
from tests.support.participants import new_registration
from tests.support.production import rack
from tests.support.services import RunningService, eventually

STRUCTURED = "application/cloudevents+json"


async def messages_on(infrastructure: Infrastructure, topic: str) -> list[Any]:
    servers = infrastructure.kafka_bootstrap_servers
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(await partitions_of(topic, security=PLAINTEXT, bootstrap_servers=servers))
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

    for service, made in (("enrolment", "enrolment.participant.registered"), ("production", "production.site.")):

        async def arrived(topic: str = f"{namespace}{service}.events", made: str = made) -> list[Any]:
            found = await messages_on(infrastructure, topic)
            return found if any(read(message).get_type().startswith(made) for message in found) else []

        for message in await eventually(arrived):
            event = read(message)
            assert event.get_specversion() == "1.0"
            assert event.get_source() == f"/services/{service}"
            assert event.get_type().startswith(f"{service}.")
            assert event.get_id()
            assert message.key.decode() == event.get_subject() == event.get_extension("partitionkey")
            assert event.get_extension("sequence") == 1
            assert event.get_dataschema().endswith(":v1")


def read(message: Any) -> Any:
    """A message as the CloudEvents SDK reads it, after checking it is in structured mode."""
    headers = dict(message.headers)
    assert headers["content-type"].decode().startswith(STRUCTURED)
    assert not [name for name in headers if name.lower().startswith("ce_")], "ce_ headers mean binary mode"
    return from_kafka_event(KafkaMessage(headers=headers, key=message.key, value=message.value))


async def test_the_marketplaces_topics_carry_them_too_and_a_withdrawal_ends_in_a_bare_tombstone(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    season = Season()
    await learn(infrastructure, namespace, production=[season.site(), season.released("lot-1", "3", harvest_id="h")])
    listing = await published(marketplace, officer, (await draft_of(marketplace, officer))["id"])
    await marketplace.http.post(f"/listings/{listing['id']}/withdraw", json={"reason": "habis"}, headers=officer)

    async def withdrawn() -> list[Any]:
        found = await messages_on(infrastructure, f"{namespace}marketplace.listings")
        return found if any(message.value is None for message in found) else []

    *states, tombstone = await eventually(withdrawn)
    assert [read(message).get_type() for message in states] == ["marketplace.listing.snapshot"]
    assert (tombstone.key.decode(), tombstone.headers) == (listing["id"], ())
    events = await messages_on(infrastructure, f"{namespace}marketplace.events")
    types = [read(message).get_type() for message in events]
    assert types == ["marketplace.listing.published", "marketplace.listing.withdrawn"]
    assert {message.key.decode() for message in [*events, *states]} == {listing["id"]}
