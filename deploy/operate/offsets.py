"""A consumer group's committed offsets moved to a time or to the beginning, while its service is stopped."""

from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalGenerationError, RebalanceInProgressError, UnknownMemberIdError

from shared.messaging.kafka import KafkaSecurity, partitions_of

ACTIVE_GROUP = (CommitFailedError, IllegalGenerationError, RebalanceInProgressError, UnknownMemberIdError)


class GroupStillActive(RuntimeError):
    """The group's members would overwrite the offsets at once: the service must be stopped first."""


class BeyondDedupeWindow(RuntimeError):
    """Events handled before the dedupe records began would be read again, kept from applying twice only by
    their reactions' own state: an operator who knows that is so says `--force`."""


def check_within_window(to_time: datetime | None, complete_since: datetime | None) -> None:
    """Refuse a point (None: the beginning) older than the service's dedupe records reach."""
    if complete_since is not None and (to_time is None or to_time.astimezone(UTC) < complete_since):
        where = "the beginning" if to_time is None else to_time.isoformat()
        raise BeyondDedupeWindow(
            f"{where} is before {complete_since.isoformat()}, since when the service's dedupe records are complete; "
            "pass --force to read those events again all the same"
        )


async def reset_group(
    *, bootstrap_servers: str, security: KafkaSecurity, group: str, topics: list[str], to_time: datetime | None
) -> dict[TopicPartition, int]:
    """Commit, for `group`, each partition's first offset at or after `to_time` (the end when nothing is that
    recent), or its beginning when `to_time` is None; returns the offsets committed."""
    partitions = [
        partition
        for topic in topics
        for partition in await partitions_of(topic, bootstrap_servers=bootstrap_servers, security=security)
    ]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False, **security.client_options()
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        offsets = await offsets_at(consumer, partitions, to_time)
        try:
            await consumer.commit(offsets)
        except ACTIVE_GROUP as error:
            raise GroupStillActive(f"{group} has running members; stop every instance of its service") from error
    finally:
        await consumer.stop()
    return offsets


async def offsets_at(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition], to_time: datetime | None
) -> dict[TopicPartition, int]:
    if to_time is None:
        beginnings: dict[TopicPartition, int] = await consumer.beginning_offsets(partitions)
        return beginnings
    ends = await consumer.end_offsets(partitions)
    found = await consumer.offsets_for_times({partition: int(to_time.timestamp() * 1000) for partition in partitions})
    return {partition: stamp.offset if stamp is not None else ends[partition] for partition, stamp in found.items()}
