"""The consumer loop: handle each event once in effect, dead-letter what cannot be handled, carry on."""

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import OffsetAndMetadata

from shared import metrics
from shared.backoff import RETRY_CAP_SECONDS, Backoff
from shared.messaging.dead_letters import send_to_dead_letters
from shared.messaging.envelope import Envelope, MalformedEvent
from shared.messaging.health import ConsumerHealth
from shared.messaging.origins import foreign_origin
from shared.messaging.partitions import CommitOnRevoke, measure_lag
from shared.messaging.reactions import Reactions, Row, trace_of
from shared.messaging.records import key_is_utf8
from shared.messaging.registry import EventData, InvalidEventPayload, UnknownEventType, registry
from shared.storage.database import AlreadyHandled, ServiceDatabase, Transaction
from shared.storage.outages import waits_for_database
from shared.tracing import handling_event

log = logging.getLogger(__name__)
DATABASE_WAIT_CAP_SECONDS = 5.0

Message: TypeAlias = ConsumerRecord[bytes, bytes]


@dataclass(frozen=True)
class Delivered:
    """A message this service reacts to, parsed."""

    message: Message
    envelope: Envelope
    payload: EventData
    row: Row  # its reaction, and how that reaction is run (see `OnRun`)


def runs(events: list[Delivered]) -> list[list[Delivered]]:
    """Consecutive events that go to the same reaction, together."""
    together: list[list[Delivered]] = []
    for event in events:
        if together and together[-1][0].row.run == event.row.run:
            together[-1].append(event)
        else:
            together.append([event])
    return together


def chunks(messages: list[Message], size: int) -> list[list[Message]]:
    return [messages[start : start + size] for start in range(0, len(messages), size)]


class Unprocessable(Exception):
    """A reaction's verdict that retrying cannot help: the event goes to the dead-letter topic."""


class EventConsumer:
    """One consumer group (the service's name) over the topics its reactions need."""

    def __init__(
        self,
        *,
        name: str,
        topics: list[str],
        reactions: Reactions,
        database: ServiceDatabase,
        max_attempts: int,
        backoff_seconds: float,
        batch_size: int = 500,
        group: str | None = None,
        topic_prefix: str = "",
    ) -> None:
        """`topic_prefix` is the deployment's (see `ServiceSettings.topic`): a topic is owned by the service its
        name after the prefix begins with, and only that service's events are taken from it."""
        self.name = name
        self.topic_prefix = topic_prefix
        self.group = group or name
        self.topics = topics
        self._reactions = reactions
        self._database = database
        self._max_attempts = max_attempts
        self._backoff_seconds = backoff_seconds
        self._batch_size = batch_size
        self._handled: dict[TopicPartition, int] = {}
        self._one_at_a_time = asyncio.Lock()
        self.health = ConsumerHealth()

    async def run(self, consumer: AIOKafkaConsumer, dead_letters: AIOKafkaProducer) -> None:
        """Poll, handle, commit; until cancelled."""
        consumer.subscribe(self.topics, listener=CommitOnRevoke(self, consumer))
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=self._batch_size * 10)
            self.health.last_poll = time.monotonic()
            async with asyncio.TaskGroup() as partitions:  # one failing partition stops the others with it
                for tp, messages in batches.items():
                    partitions.create_task(self._handle_partition(consumer, tp, messages, dead_letters))
            self.health.failures_in_a_row = 0
            await measure_lag(consumer, service=self.name, group=self.group)

    async def _handle_partition(
        self,
        consumer: AIOKafkaConsumer,
        partition: TopicPartition,
        messages: list[Message],
        dead_letters: AIOKafkaProducer,
    ) -> None:
        """Partitions are handled concurrently, each one's messages strictly in order and committed a chunk at
        a time, so a long round never holds uncommitted work for long."""
        self.health.holding_since[partition] = time.monotonic()
        try:
            for chunk in chunks(messages, self._batch_size):
                if partition not in consumer.assignment():
                    return
                await self.handle_in_order(chunk, dead_letters)
                self._handled[partition] = chunk[-1].offset + 1
                await self.commit(consumer, only={partition})
                self.health.holding_since[partition] = self.health.last_poll = time.monotonic()
        finally:
            self.health.holding_since.pop(partition, None)

    async def handle_in_order(self, messages: list[Message], dead_letters: AIOKafkaProducer) -> None:
        """Handle consecutive messages of one partition: together in one transaction when all goes well,
        else one by one. Never raises for a bad message."""
        ready = [event for message in messages if (event := await self._readable(message, dead_letters))]
        if len(ready) > 1 and await self._react_together(ready):
            return
        for event in ready:
            await self._react(event, dead_letters)

    async def _readable(self, message: Message, dead_letters: AIOKafkaProducer) -> Delivered | None:
        """The message as an event this service reacts to; None once ignored or dead-lettered."""
        try:
            if not all(key_is_utf8(name) for name, _ in message.headers):
                await self._dead_letter(message, dead_letters, "UnreadableHeaders: a header key is not UTF-8")
                return None
            envelope = Envelope.from_bytes(message.value)
            if (refused := foreign_origin(message.topic, envelope, prefix=self.topic_prefix)) is not None:
                await self._dead_letter(message, dead_letters, f"ForeignOrigin: {refused}")
                return None
            row = self._reactions.to(envelope)
            if row is None:
                registry.model_for(envelope.type, envelope.version)
                self._count(message, envelope.type, "ignored")
                return None
            return Delivered(message, envelope, registry.parse(envelope), row)
        except (MalformedEvent, UnknownEventType, InvalidEventPayload) as error:
            # our own messages: they name a field or a contract, never a value the event holds
            await self._dead_letter(message, dead_letters, f"{type(error).__name__}: {error}")
            return None
        except Exception as error:  # whatever else a message holds, it must not stop the partition
            # the error's message may quote what the event holds: its type is told, never its message
            kind = type(error).__name__
            log.warning("unreadable message %s[%d]@%d (%s)", message.topic, message.partition, message.offset, kind)
            await self._dead_letter(message, dead_letters, f"Unreadable ({kind})")
            return None

    async def _react_together(self, events: list[Delivered]) -> bool:
        """All events' reactions and dedupe records in one transaction; False (and nothing done) on any error."""

        async def in_transaction(tx: Transaction) -> None:
            if unkeyed := [event.envelope.id for event in events if not event.row.keyed_by_event]:
                await tx.mark_all_handled(self.name, unkeyed)
            for run in runs(events):
                tx.trace = trace_of(run[0].envelope)
                await run[0].row.run(tx, [(event.envelope, event.payload) for event in run])

        try:
            async with self._turn(events):
                await self._database.transaction(in_transaction)
        except Exception as error:
            log.info("batch of %d not handled together (%s); handling one by one", len(events), type(error).__name__)
            return False
        for event in events:
            self._handled_one(event)
        return True

    async def _react(self, event: Delivered, dead_letters: AIOKafkaProducer) -> None:
        """One event in its own transaction: retried with backoff and dead-lettered after the last attempt;
        while the database is unavailable it is waited for, attempts uncounted."""
        attempts = 0
        backoff = Backoff(first=self._backoff_seconds, cap=RETRY_CAP_SECONDS)
        outage = Backoff(first=self._backoff_seconds, cap=DATABASE_WAIT_CAP_SECONDS)
        with handling_event(trace_of(event.envelope)):  # its log lines carry the event's correlation id
            try:
                while (error := await self._attempt(event)) is not None:
                    if isinstance(error, Unprocessable):
                        # a verdict its reaction words for the dead letter, naming ids and the rule, never values
                        await self._dead_letter(event.message, dead_letters, f"Unprocessable: {error}")
                        return
                    if waits_for_database(error):
                        await self._wait_for_database(event.envelope, error, outage)
                        continue
                    attempts += 1
                    if attempts >= self._max_attempts:
                        reason = f"handler failed {attempts} times, last: {type(error).__name__}"
                        await self._dead_letter(event.message, dead_letters, reason)
                        return
                    kind = type(error).__name__  # never its message: a database's quotes the key values it refused
                    log.warning("handling %s failed (attempt %d): %s", event.envelope.id, attempts, kind)
                    await backoff.wait()
            finally:
                self.health.waiting_for_database = None

    async def _attempt(self, event: Delivered) -> Exception | None:
        """Handle the event once, in its own transaction with its dedupe record; the error if that failed."""

        async def in_transaction(tx: Transaction) -> None:
            if not event.row.keyed_by_event:
                await tx.mark_all_handled(self.name, [event.envelope.id])
            await event.row.run(tx, [(event.envelope, event.payload)])

        try:
            async with self._turn([event]):
                await self._database.transaction(in_transaction, trace=trace_of(event.envelope))
        except AlreadyHandled:
            self._count(event.message, event.envelope.type, "duplicate")
            return None
        except Exception as error:
            return error
        self._handled_one(event)
        return None

    def _turn(self, events: list[Delivered]) -> contextlib.AbstractAsyncContextManager[object]:
        """Partitions' transactions run side by side, but one at a time where their reactions ask for it."""
        return self._one_at_a_time if any(event.row.one_at_a_time for event in events) else contextlib.nullcontext()

    def _handled_one(self, event: Delivered) -> None:
        """Counted, and logged with the event's correlation id: one request can be followed across services."""
        m, event_type = event.message, event.envelope.type
        self._count(m, event_type, "handled")
        if log.isEnabledFor(logging.INFO):  # the correlation is set only for a line that is written
            with handling_event(trace_of(event.envelope)):
                log.info("handled %s from %s[%d]@%d", event_type, m.topic, m.partition, m.offset)

    async def _wait_for_database(self, envelope: Envelope, error: Exception, outage: Backoff) -> None:
        """The event is sound and the database is not: wait it out (unready meanwhile), never dead-letter."""
        self.health.waiting_for_database = f"{type(error).__name__}"
        log.warning("database unavailable while handling %s, waiting: %s", envelope.id, type(error).__name__)
        await outage.wait()

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
            log.warning("commit after rebalance refused, events will be redelivered: %s", type(error).__name__)
        for tp in offsets:
            self._handled.pop(tp, None)
