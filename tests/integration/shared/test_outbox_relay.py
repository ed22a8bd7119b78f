"""The relay sets aside a record Kafka can never take and goes on; replicas' relays send each record once."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from bson import ObjectId
from prometheus_client import REGISTRY
from pymongo import AsyncMongoClient

from shared.contracts.enrolment import ParticipantRegistered
from shared.messaging.kafka import PLAINTEXT, ensure_topics, new_admin, new_producer
from shared.messaging.outbox import BATCHES_PER_READ, OUTBOX_SET_ASIDE, OutboxRelay
from shared.storage.database import OUTBOX, ServiceDatabase, Transaction
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events_on
from tests.support.outbox import published
from tests.support.services import eventually


@pytest.fixture
async def database(infrastructure: Infrastructure, namespace: str) -> AsyncIterator[ServiceDatabase]:
    topic = f"{namespace}enrolment.events"
    await ensure_topics([topic], security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers)
    client: AsyncMongoClient[dict] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)  # type: ignore[type-arg]
    yield ServiceDatabase(client=client, name=f"{namespace}enrolment", source="/tests", topic=topic)
    await client.close()


async def register(database: ServiceDatabase, participant_id: str) -> None:
    async def write(tx: Transaction) -> None:
        payload = ParticipantRegistered(participant_id=participant_id, facility_id="f", registered_at=datetime.now(UTC))
        await tx.publish(payload, subject=participant_id, sequence=1)

    await database.transaction(write)


async def subjects_on(infrastructure: Infrastructure, topic: str) -> list[str]:
    return sorted(event.subject for event in await events_on(infrastructure, topic))


async def registered_all(database: ServiceDatabase, count: int) -> list[str]:
    subjects = [f"p-{index:03}" for index in range(count)]
    for subject in subjects:
        await register(database, subject)
    return subjects


async def test_a_record_kafka_can_never_take_is_set_aside_and_the_rest_are_published(
    infrastructure: Infrastructure, namespace: str, database: ServiceDatabase
) -> None:
    await register(database, "p-before")
    await register(database, "p-oversized")
    await register(database, "p-after")
    oversized = {"key": "p-oversized"}
    await database.db[OUTBOX].update_one(oversized, {"$set": {"value": b"x" * 2_000_000}})

    assert await relay_once(infrastructure, database, batch_size=10) == 2
    assert await subjects_on(infrastructure, f"{namespace}enrolment.events") == ["p-after", "p-before"]
    [set_aside] = await database.db[OUTBOX_SET_ASIDE].find({}).to_list()
    assert set_aside["key"] == "p-oversized"
    assert "MessageSizeTooLarge" in set_aside["reason"]
    assert await published(database.db[OUTBOX], {})


async def test_two_replicas_relaying_at_once_send_each_record_once(
    infrastructure: Infrastructure, namespace: str, database: ServiceDatabase
) -> None:
    subjects = await registered_all(database, 60)
    producers = [
        new_producer(
            security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers, client_id=f"replica-{replica}"
        )
        for replica in (1, 2)
    ]
    relays = [
        OutboxRelay(database=database, producer=producer, service="test", poll_seconds=0.05, batch_size=7)
        for producer in producers
    ]
    for producer in producers:
        await producer.start()
    running = [asyncio.create_task(relay.run()) for relay in relays]
    try:
        await eventually(lambda: published(database.db[OUTBOX], {}))
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        for producer in producers:
            await producer.stop()
    assert await subjects_on(infrastructure, f"{namespace}enrolment.events") == subjects


async def relay_once(infrastructure: Infrastructure, database: ServiceDatabase, *, batch_size: int) -> int:
    producer = new_producer(
        security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers, client_id="test"
    )
    await producer.start()
    try:
        relay = OutboxRelay(database=database, producer=producer, service="test", poll_seconds=1, batch_size=batch_size)
        await relay.forget_published_history()
        return await relay.publish_pending()
    finally:
        await producer.stop()


async def test_a_backlog_is_read_once_and_an_early_straggler_is_not_sent_again_when_the_read_reaches_it(
    infrastructure: Infrastructure, namespace: str, database: ServiceDatabase
) -> None:
    subjects = await registered_all(database, 25)

    # an aggregate whose second event sorts first and whose first event sorts last, as another writer leaves them
    async def follow_up(tx: Transaction) -> None:
        payload = ParticipantRegistered(participant_id="p-late", facility_id="f", registered_at=datetime.now(UTC))
        await tx.publish(payload, subject="p-late", sequence=2)

    await database.transaction(follow_up)
    second = await database.db[OUTBOX].find_one_and_delete({"key": "p-late"})
    await register(database, "p-late")
    assert second is not None
    await database.db[OUTBOX].insert_one({**second, "_id": ObjectId.from_datetime(datetime(2026, 1, 1, tzinfo=UTC))})

    assert await relay_once(infrastructure, database, batch_size=10) == 27  # three batches, one read
    events = await events_on(infrastructure, f"{namespace}enrolment.events")
    assert sorted(event.subject for event in events if event.subject != "p-late") == subjects
    assert [event.sequence for event in events if event.subject == "p-late"] == [1, 2]
    assert await published(database.db[OUTBOX], {})


async def test_records_an_earlier_version_kept_after_publishing_them_are_forgotten_not_sent_again(
    infrastructure: Infrastructure, namespace: str, database: ServiceDatabase
) -> None:
    await register(database, "p-kept")
    await register(database, "p-new")
    outbox = database.db[OUTBOX]
    await outbox.update_one({"key": "p-kept"}, {"$set": {"published_at": datetime.now(UTC)}})
    await outbox.create_index([("published_at", 1), ("_id", 1)], name="unpublished_in_order")
    await outbox.create_index([("published_at", 1)], name="published_ttl", expireAfterSeconds=604_800)

    assert await relay_once(infrastructure, database, batch_size=10) == 1
    assert [event.subject for event in await events_on(infrastructure, f"{namespace}enrolment.events")] == ["p-new"]
    assert await outbox.count_documents({}) == 0
    assert set(await outbox.index_information()) == {"_id_"}


async def test_the_backlog_is_measured_while_a_round_leaves_some_and_is_none_once_a_round_reads_it_to_the_end(
    infrastructure: Infrastructure, namespace: str, database: ServiceDatabase
) -> None:
    await registered_all(database, BATCHES_PER_READ + 5)
    producer = new_producer(
        security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers, client_id="test"
    )
    await producer.start()
    service = f"{namespace}relay"

    def gauges() -> tuple[float | None, float | None]:
        labels = {"service": service}
        backlog = REGISTRY.get_sample_value("outbox_backlog_events", labels)
        return backlog, REGISTRY.get_sample_value("outbox_oldest_unpublished_age_seconds", labels)

    try:
        relay = OutboxRelay(database=database, producer=producer, service=service, poll_seconds=1, batch_size=1)
        assert await relay.publish_pending() == BATCHES_PER_READ  # a round reads BATCHES_PER_READ batches of one
        await relay.account_for_backlog()
        backlog, oldest_age = gauges()
        assert backlog == 5
        assert oldest_age is not None
        assert oldest_age > 0

        assert await relay.publish_pending() == 5
        await relay.account_for_backlog()
        assert gauges() == (0, 0)
    finally:
        await producer.stop()


async def test_records_a_topic_refuses_as_one_batch_are_sent_one_by_one_and_none_is_set_aside(
    infrastructure: Infrastructure, namespace: str, database: ServiceDatabase
) -> None:
    topic = f"{namespace}enrolment.events"
    admin = new_admin(bootstrap_servers=infrastructure.kafka_bootstrap_servers, security=PLAINTEXT)
    await admin.start()
    try:  # room for any one of the events, not for a batch of them
        await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, {"max.message.bytes": "1500"})])
    finally:
        await admin.close()
    subjects = await registered_all(database, 6)

    assert await relay_once(infrastructure, database, batch_size=10) == 6
    assert await subjects_on(infrastructure, topic) == subjects
    assert await database.db[OUTBOX_SET_ASIDE].count_documents({}) == 0
