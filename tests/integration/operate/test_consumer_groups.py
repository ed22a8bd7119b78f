"""`deploy.operate reset-group` moves a stopped service's consumer group to the first event at or after a time;
it refuses while the service runs, and the events read again are applied once all the same."""

from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pymongo import ASCENDING, AsyncMongoClient

from services.production.main import ProductionSettings
from services.production.main import create_app as create_production
from shared.contracts.enrolment import ParticipantRegistered
from shared.messaging.kafka import PLAINTEXT, partitions_of
from shared.messaging.registry import envelope_for
from tests.support.infrastructure import Infrastructure
from tests.support.operate import operate
from tests.support.services import RunningService, eventually, serving, settings_for

FIRST_DAY, SECOND_DAY = datetime(2026, 11, 1, 8, tzinfo=UTC), datetime(2026, 11, 2, 8, tzinfo=UTC)


async def publish_registrations(bootstrap: str, topic: str, numbers: range, at: datetime) -> None:
    """Registrations whose Kafka timestamps say `at`, as if published then."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for number in numbers:
            payload = ParticipantRegistered(participant_id=f"p-{number}", facility_id="rutan-serang", registered_at=at)
            envelope = envelope_for(payload, source="/services/enrolment", subject=f"p-{number}", sequence=1)
            timestamp = int(at.timestamp() * 1000)
            await producer.send(topic, envelope.to_bytes(), key=f"p-{number}".encode(), timestamp_ms=timestamp)
        await producer.flush()
    finally:
        await producer.stop()


async def behind(bootstrap: str, group: str, topic: str) -> int:
    """How many events of `topic` the group has yet to commit."""
    partitions = await partitions_of(topic, security=PLAINTEXT, bootstrap_servers=bootstrap)
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await reader.start()
    try:
        reader.assign(partitions)
        ends: dict[TopicPartition, int] = await reader.end_offsets(partitions)
        committed = [await reader.committed(partition) or 0 for partition in ends]
        return sum(ends.values()) - sum(committed)
    finally:
        await reader.stop()


async def handled(service: RunningService, count: int) -> bool:
    return bool(await service.runtime.database.db["processed_events"].count_documents({}) >= count)


async def test_a_stopped_services_group_is_reset_to_a_time_and_reads_again_from_there_applying_nothing_twice(
    infrastructure: Infrastructure, namespace: str
) -> None:
    bootstrap, topic, group = (
        infrastructure.kafka_bootstrap_servers,
        f"{namespace}enrolment.events",
        f"{namespace}production",
    )
    settings = settings_for(ProductionSettings, infrastructure, namespace)
    reset = (
        "reset-group",
        "--service",
        "production",
        "--database",
        f"{namespace}production",
        "--topic",
        "enrolment.events",
        "--to",
        "2026-11-02T00:00:00+00:00",
    )
    async with serving(create_production(settings)) as production:
        await publish_registrations(bootstrap, topic, range(20), FIRST_DAY)
        await publish_registrations(bootstrap, topic, range(20, 30), SECOND_DAY)
        await eventually(lambda: handled(production, 30))
        await eventually(lambda: at_zero(behind(bootstrap, group, topic)))
        refused = await operate(infrastructure, namespace, *reset)
        assert refused.code != 0
        assert "stop every instance" in refused.err

    done = await operate(infrastructure, namespace, *reset)
    assert done.code == 0, done.err
    assert done.out.startswith(f"{group} reset to 2026-11-02T00:00:00+00:00")
    assert await behind(bootstrap, group, topic) == 10

    async with serving(create_production(settings)) as production:
        await eventually(lambda: at_zero(behind(bootstrap, group, topic)))
        database: Any = production.runtime.database.db
        assert await database["processed_events"].count_documents({}) == 30
        assert await database["participants"].count_documents({}) == 30


async def at_zero(count: Any) -> bool:
    return bool(await count == 0)


async def test_dedupe_records_never_expire_and_a_reset_before_those_an_earlier_version_let_expire_is_refused(
    infrastructure: Infrastructure, namespace: str
) -> None:
    """Earlier versions deleted a dedupe record after 30 days while topics keep every event: this version keeps
    them, and `reset-group` refuses (unless forced) a point before the records it still holds are complete."""
    settings = settings_for(ProductionSettings, infrastructure, namespace)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)
    processed = client[f"{namespace}production"]["processed_events"]
    await processed.create_index([("handled_at", ASCENDING)], name="handled_ttl", expireAfterSeconds=30 * 86_400)
    try:
        async with serving(create_production(settings)):
            pass  # its first start with this version
        indexes = await processed.index_information()
    finally:
        await client.close()
    assert not [name for name, index in indexes.items() if "expireAfterSeconds" in index]

    def reset(*to: str) -> tuple[str, ...]:
        where = ("--service", "production", "--database", f"{namespace}production", "--topic", "enrolment.events")
        return ("reset-group", *where, *to)

    long_ago = ("--to", "2026-01-01T00:00:00+00:00")
    for point in (long_ago, ("--to-beginning",)):
        refused = await operate(infrastructure, namespace, *reset(*point))
        assert refused.code != 0
        assert "dedupe records are complete" in refused.err
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert (await operate(infrastructure, namespace, *reset("--to", yesterday))).code == 0
    forced = await operate(infrastructure, namespace, *reset(*long_ago, "--force"))
    assert forced.code == 0, forced.err
