"""A service's read model rebuilt from the topics: its collections dropped, the dedupe records of the events
that feed it deleted, its consumer group reset to the beginning; the service, started again, replays them.

Events of other types keep their dedupe records, so the replay skips them: nothing else is applied twice."""

from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient

from deploy.operate.offsets import reset_group
from services.production import events as production_events
from services.production.enrolments.store import COHORTS, ENROLMENTS
from services.production.participants.store import PARTICIPANTS
from services.production.programmes.store import PROGRAMMES
from services.production.reactions import REACTIONS as PRODUCTION_REACTIONS
from shared.contracts.marketplace import LotHeld, LotHoldReleased, LotSold
from shared.messaging.envelope import Envelope, MalformedEvent
from shared.messaging.kafka import KafkaSecurity, partitions_of
from shared.storage.database import PROCESSED_EVENTS

BATCH = 1000


@dataclass(frozen=True)
class ReadModel:
    """What a service learns from others' events: the collections it keeps, the event types that feed them."""

    collections: tuple[str, ...]
    event_types: frozenset[str]
    topics: tuple[str, ...]


READ_MODELS = {
    "production": ReadModel(
        collections=(PARTICIPANTS, ENROLMENTS, COHORTS, PROGRAMMES),
        # every reaction but the holds and sales it accounts against its own lots, which are not a read model
        event_types=PRODUCTION_REACTIONS.event_types
        - {LotSold.event_type, LotHeld.event_type, LotHoldReleased.event_type},
        topics=tuple(production_events.CONSUMES),
    ),
}


@dataclass(frozen=True)
class Place:
    """Where a service's data lives: its database, consumer group and topic prefix."""

    service: str
    database: str
    topic_prefix: str = ""

    @property
    def group(self) -> str:
        return f"{self.topic_prefix}{self.service}"


async def rebuild(
    client: AsyncMongoClient[Any], place: Place, *, bootstrap_servers: str, security: KafkaSecurity
) -> dict[str, int]:
    """Run with every instance of the service stopped; start them again to replay. Counts of what was done."""
    model = READ_MODELS[place.service]
    topics = [f"{place.topic_prefix}{topic}" for topic in model.topics]
    # first, since the broker refuses it while an instance runs: then nothing has been dropped yet
    offsets = await reset_group(
        bootstrap_servers=bootstrap_servers, security=security, group=place.group, topics=topics, to_time=None
    )
    feeding = await event_ids_of(topics, model.event_types, bootstrap_servers=bootstrap_servers, security=security)
    db = client[place.database]
    forgotten = 0
    for start in range(0, len(feeding), BATCH):
        query = {"consumer": place.service, "event_id": {"$in": feeding[start : start + BATCH]}}
        forgotten += (await db[PROCESSED_EVENTS].delete_many(query)).deleted_count
    dropped = 0
    for collection in model.collections:
        dropped += await db[collection].count_documents({})
        await db.drop_collection(collection)
    return {"documents dropped": dropped, "dedupe records deleted": forgotten, "partitions reset": len(offsets)}


async def event_ids_of(
    topics: list[str], event_types: frozenset[str], *, bootstrap_servers: str, security: KafkaSecurity
) -> list[str]:
    """The ids of every event of these types on the topics, read from the beginning without a consumer group."""
    partitions = [
        partition
        for topic in topics
        for partition in await partitions_of(topic, bootstrap_servers=bootstrap_servers, security=security)
    ]
    reader = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        isolation_level="read_committed",
        **security.client_options(),
    )
    await reader.start()
    ids = []
    try:
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        ends = await reader.end_offsets(partitions)
        while [partition for partition, end in ends.items() if await reader.position(partition) < end]:
            for records in (await reader.getmany(timeout_ms=1000)).values():
                ids += [envelope.id for record in records if (envelope := readable(record.value, event_types))]
    finally:
        await reader.stop()
    return ids


def readable(value: bytes | None, event_types: frozenset[str]) -> Envelope | None:
    """The envelope of an event of one of these types; None for others, tombstones and malformed messages."""
    try:
        envelope = Envelope.from_bytes(value)
    except MalformedEvent:
        return None
    return envelope if envelope.type in event_types else None
