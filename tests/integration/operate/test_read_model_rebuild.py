"""`deploy.operate rebuild-read-model` clears production's read model of enrolment's events; the service, started
again, replays the topics from the beginning and comes back to the same read model, with nothing else applied twice."""

from datetime import UTC, date, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from services.production.main import ProductionSettings
from services.production.main import create_app as create_production
from shared.contracts.enrolment import (
    CohortOpened,
    EnrolmentActivated,
    EnrolmentSuspended,
    ParticipantRegistered,
    ParticipantReleased,
    ProgrammePublished,
    ProgrammeUpdated,
)
from shared.messaging.registry import EventData, envelope_for
from tests.support.infrastructure import Infrastructure
from tests.support.operate import collections_as_json, operate
from tests.support.services import RunningService, eventually, serving, settings_for

READ_MODEL = ["cohorts", "enrolments", "participants", "programmes"]
PARTICIPANTS = 40


def programme(payload_class: type[ProgrammePublished] | type[ProgrammeUpdated], name: str) -> EventData:
    return payload_class(
        programme_id="prog-hidroponik",
        agency_id="dkpp",
        name=name,
        skill_track="agriculture",
        duration_hours=48,
        sessions=12,
        competencies=["semai", "panen"],
        earns_premi=True,
    )


def enrolment_history() -> list[tuple[EventData, str, int]]:
    """Payload, subject and sequence of every event: a programme, a cohort, participants and their enrolments."""
    cohort = CohortOpened(
        cohort_id="cohort-1",
        programme_id="prog-hidroponik",
        agency_id="dkpp",
        facility_id="rutan-serang",
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 10, 1),
        capacity=PARTICIPANTS,
        place="Blok B",
    )
    events = [(programme(ProgrammePublished, "Hidroponik"), "prog-hidroponik", 1), (cohort, "cohort-1", 1)]
    for number in range(PARTICIPANTS):
        participant, enrolment = f"p-{number}", f"e-{number}"
        registered = datetime(2026, 6, 1, 8, tzinfo=UTC)
        events.append(
            (
                ParticipantRegistered(participant_id=participant, facility_id="rutan-serang", registered_at=registered),
                participant,
                1,
            )
        )
        ids = {
            "enrolment_id": enrolment,
            "participant_id": participant,
            "cohort_id": "cohort-1",
            "programme_id": "prog-hidroponik",
        }
        events.append((EnrolmentActivated(**ids, active_from=date(2026, 7, 1)), enrolment, 3))
        if number % 4 == 0:
            events.append((EnrolmentSuspended(**ids, suspended_on=date(2026, 8, 1), with_premi=False), enrolment, 4))
        if number % 5 == 0:
            released = ParticipantReleased(
                participant_id=participant, facility_id="rutan-serang", released_on=date(2026, 9, 1)
            )
            events.append((released, participant, 2))
    events.append((programme(ProgrammeUpdated, "Hidroponik NFT"), "prog-hidroponik", 2))
    return events


async def publish(bootstrap: str, topic: str, history: list[tuple[EventData, str, int]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for payload, subject, sequence in history:
            envelope = envelope_for(payload, source="/services/enrolment", subject=subject, sequence=sequence)
            await producer.send(topic, envelope.to_bytes(), key=subject.encode())
        await producer.flush()
    finally:
        await producer.stop()


async def read_model_of(infrastructure: Infrastructure, database: str) -> dict[str, list[str]]:
    client: AsyncMongoClient[Any] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)
    try:
        return await collections_as_json(client[database], READ_MODEL)
    finally:
        await client.close()


async def handled_all(service: RunningService, count: int) -> bool:
    return bool(await service.runtime.database.db["processed_events"].count_documents({}) == count)


async def test_production_read_model_rebuilt_from_the_topics_comes_back_the_same_twice_over(
    infrastructure: Infrastructure, namespace: str
) -> None:
    settings = settings_for(ProductionSettings, infrastructure, namespace)
    history = enrolment_history()
    async with serving(create_production(settings)) as production:
        await publish(infrastructure.kafka_bootstrap_servers, f"{namespace}enrolment.events", history)
        await eventually(lambda: handled_all(production, len(history)))
        database: Any = production.runtime.database.db
        before = await collections_as_json(database, READ_MODEL)
        handled_before = sorted(await database["processed_events"].distinct("event_id"))
    assert [len(before[name]) for name in READ_MODEL] == [1, PARTICIPANTS, PARTICIPANTS, 1]

    for _ in range(2):  # a second rebuild is as good as the first
        rebuilt = await operate(
            infrastructure,
            namespace,
            "rebuild-read-model",
            "--service",
            "production",
            "--database",
            f"{namespace}production",
        )
        assert rebuilt.code == 0, rebuilt.err
        assert f"{len(history)} dedupe records deleted" in rebuilt.out
        cleared = await read_model_of(infrastructure, f"{namespace}production")
        assert cleared == {name: [] for name in READ_MODEL}

        async with serving(create_production(settings)) as production:
            await eventually(lambda: handled_all(production, len(history)))

            async def same_again(db: Any = production.runtime.database.db) -> bool:
                return await collections_as_json(db, READ_MODEL) == before

            await eventually(same_again)
            assert (
                sorted(await production.runtime.database.db["processed_events"].distinct("event_id")) == handled_before
            )


async def test_a_rebuild_while_the_service_runs_is_refused_and_drops_nothing(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    history = enrolment_history()[:3]
    await publish(infrastructure.kafka_bootstrap_servers, f"{namespace}enrolment.events", history)
    await eventually(lambda: handled_all(production, len(history)))
    refused = await operate(
        infrastructure,
        namespace,
        "rebuild-read-model",
        "--service",
        "production",
        "--database",
        f"{namespace}production",
    )
    assert refused.code != 0
    assert "stop every instance" in refused.err
    kept = await read_model_of(infrastructure, f"{namespace}production")
    assert [len(kept[name]) for name in READ_MODEL] == [1, 0, 1, 1]
    assert await production.runtime.database.db["processed_events"].count_documents({}) == len(history)
