"""The relay publishes each aggregate's events in sequence order, whatever order the writers' ids sort in."""

from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaConsumer
from bson import ObjectId
from pymongo import AsyncMongoClient

from shared.contracts.enrolment import ParticipantRegistered
from shared.messaging.envelope import Envelope
from shared.messaging.kafka import PLAINTEXT, ensure_topics, new_producer, partitions_of
from shared.messaging.outbox import OutboxRelay
from shared.storage.database import OUTBOX, ServiceDatabase, Transaction
from tests.support.infrastructure import Infrastructure


async def test_events_written_by_different_writers_reach_kafka_in_each_aggregates_order(
    infrastructure: Infrastructure, namespace: str
) -> None:
    topic = f"{namespace}enrolment.events"
    await ensure_topics([topic], security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers)
    client: AsyncMongoClient[dict] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)  # type: ignore[type-arg]
    database = ServiceDatabase(client=client, name=f"{namespace}enrolment", source="/tests", topic=topic)
    for sequence in (1, 2, 3):

        async def write(tx: Transaction, sequence: int = sequence) -> None:
            payload = ParticipantRegistered(participant_id="p-x", facility_id="f", registered_at=datetime.now(UTC))
            await tx.publish(payload, subject="p-x", sequence=sequence)

        await database.transaction(write)
    # as another process would have written them: the later events' ids sort first
    outbox = database.db[OUTBOX]
    records = await outbox.find({}, sort=[("sequence", 1)]).to_list()
    await outbox.delete_many({})
    base = datetime.now(UTC)
    for record, seconds in zip(records, (30, 10, 20), strict=True):
        await outbox.insert_one({**record, "_id": ObjectId.from_datetime(base + timedelta(seconds=seconds))})

    producer = new_producer(
        security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers, client_id="test"
    )
    await producer.start()
    try:
        relay = OutboxRelay(database=database, producer=producer, service="test", poll_seconds=1, batch_size=1)
        assert await relay.publish_pending() == 3
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=infrastructure.kafka_bootstrap_servers, auto_offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign(
            await partitions_of(topic, security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers)
        )
        batches = await consumer.getmany(timeout_ms=5000)
    finally:
        await consumer.stop()
        await client.close()
    sequences = [Envelope.from_bytes(m.value).sequence for records in batches.values() for m in records]
    assert sequences == [1, 2, 3]
