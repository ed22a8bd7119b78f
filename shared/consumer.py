"""The consumer loop: handle each event once in effect, dead-letter what cannot be handled, carry on."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import OffsetAndMetadata
from pymongo.errors import ConnectionFailure

from shared import metrics
from shared.database import AlreadyHandled, ServiceDatabase, Transaction
from shared.dead_letters import send_to_dead_letters
from shared.events import Envelope, EventData, InvalidEventPayload, MalformedEvent, UnknownEventType, registry
from shared.tracing import Trace

log = logging.getLogger(__name__)

Reaction: TypeAlias = Callable[[Transaction, Envelope, EventData], Awaitable[None]]
Message: TypeAlias = ConsumerRecord[bytes, bytes]


class Unprocessable(Exception):
    """A reaction's verdict that retrying cannot help: the event goes to the dead-letter topic."""


class EventConsumer:
    """One consumer group (the service's name) over the topics its reactions need."""

    def __init__(
        self,
        *,
        name: str,
        topics: list[str],
        reactions: dict[str, Reaction],
        database: ServiceDatabase,
        max_attempts: int,
        backoff_seconds: float,
    ) -> None:
        self.name = name
        self.topics = topics
        self._reactions = reactions
        self._database = database
        self._max_attempts = max_attempts
        self._backoff_seconds = backoff_seconds
        self._handled: dict[TopicPartition, int] = {}
        self.last_progress = time.monotonic()

    async def run(self, consumer: AIOKafkaConsumer, dead_letters: AIOKafkaProducer) -> None:
        """Poll, handle, commit; until cancelled."""
        consumer.subscribe(self.topics, listener=CommitOnRevoke(self, consumer))
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=200)
            self.last_progress = time.monotonic()
            for partition, messages in batches.items():
                for message in messages:
                    if partition not in consumer.assignment():
                        break
                    await self.handle(message, dead_letters)
                    self._handled[partition] = message.offset + 1
                    self.last_progress = time.monotonic()
            await self.commit(consumer)
            await self.measure_lag(consumer)

    async def handle(self, message: Message, dead_letters: AIOKafkaProducer) -> None:
        """Handle one message, or dead-letter it with the reason; never raises for a bad message."""
        try:
            envelope = Envelope.from_bytes(message.value)
            reaction = self._reactions.get(envelope.type)
            if reaction is None:
                registry.model_for(envelope.type, envelope.version)
                self._count(message, envelope.type, "ignored")
                return
            payload = registry.parse(envelope)
        except (MalformedEvent, UnknownEventType, InvalidEventPayload) as error:
            await self._dead_letter(message, dead_letters, f"{type(error).__name__}: {error}")
            return
        await self._react(message, envelope, payload, reaction, dead_letters)

    async def _react(
        self,
        message: Message,
        envelope: Envelope,
        payload: EventData,
        reaction: Reaction,
        dead_letters: AIOKafkaProducer,
    ) -> None:
        trace = Trace(correlation_id=envelope.correlationid or envelope.id, causation_id=envelope.id)

        async def in_transaction(tx: Transaction) -> None:
            await tx.mark_handled(self.name, envelope.id)
            await reaction(tx, envelope, payload)

        attempt = 0
        while True:
            try:
                await self._database.transaction(in_transaction, trace=trace)
                self._count(message, envelope.type, "handled")
                return
            except AlreadyHandled:
                self._count(message, envelope.type, "duplicate")
                return
            except Unprocessable as error:
                await self._dead_letter(message, dead_letters, f"Unprocessable: {error}")
                return
            except ConnectionFailure as error:
                log.warning("database unreachable while handling %s, retrying: %s", envelope.id, error)
                await asyncio.sleep(min(self._backoff_seconds * 10, 5.0))
            except Exception as error:
                attempt += 1
                if attempt >= self._max_attempts:
                    reason = f"handler failed {attempt} times, last: {type(error).__name__}: {error}"
                    await self._dead_letter(message, dead_letters, reason)
                    return
                log.warning("handling %s failed (attempt %d): %r", envelope.id, attempt, error)
                await asyncio.sleep(self._backoff_seconds * 2 ** (attempt - 1))

    async def _dead_letter(self, message: Message, producer: AIOKafkaProducer, reason: str) -> None:
        log.warning("dead-lettering %s[%d]@%d: %s", message.topic, message.partition, message.offset, reason)
        await send_to_dead_letters(producer, message, consumer=self.name, reason=reason)
        metrics.EVENTS_DEAD_LETTERED.labels(self.name, message.topic).inc()
        self._count(message, "unreadable", "dead_lettered")

    def _count(self, message: Message, event_type: str, outcome: str) -> None:
        metrics.EVENTS_CONSUMED.labels(self.name, message.topic, event_type, outcome).inc()

    async def commit(self, consumer: AIOKafkaConsumer, only: set[TopicPartition] | None = None) -> None:
        """Commit what has been handled; a lost partition's uncommitted events are redelivered harmlessly."""
        offsets = {
            tp: OffsetAndMetadata(offset, "") for tp, offset in self._handled.items() if only is None or tp in only
        }
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as error:
            log.warning("commit after rebalance refused, events will be redelivered: %s", error)
        for tp in offsets:
            self._handled.pop(tp, None)

    async def measure_lag(self, consumer: AIOKafkaConsumer) -> None:
        for tp in consumer.assignment():
            end = consumer.highwater(tp)
            if end is not None:
                lag = max(end - await consumer.position(tp), 0)
                metrics.CONSUMER_LAG.labels(self.name, tp.topic, str(tp.partition)).set(lag)


class CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    """Commits handled offsets of partitions about to move to another member of the group."""

    def __init__(self, owner: EventConsumer, consumer: AIOKafkaConsumer) -> None:
        self._owner = owner
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self._owner.commit(self._consumer, only=set(revoked))

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        return None
