"""The running parts of one service: its database, Kafka producer, outbox relay and consumer."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient, IndexModel

import shared.contracts  # noqa: F401  (every contract registered, so any event on a consumed topic decodes)
from shared import metrics
from shared.backoff import RETRY_CAP_SECONDS, Backoff
from shared.messaging.consumer import EventConsumer
from shared.messaging.dead_letters import dead_letter_topic
from shared.messaging.kafka import ensure_topics, new_consumer, new_producer
from shared.messaging.outbox import OutboxRelay
from shared.messaging.reactions import Reactions
from shared.settings import ServiceSettings
from shared.storage.database import Document, ServiceDatabase, Transaction
from shared.storage.indexes import PLUMBING_INDEXES, keep_dedupe_records, merge_indexes
from shared.storage.migrations import Migration, migrate

log = logging.getLogger(__name__)
SHUTDOWN_GRACE_SECONDS = 10.0
Started = TypeVar("Started")
Loop = Callable[[ServiceDatabase], Awaitable[None]]
PLUMBING_MIGRATIONS = [Migration("dedupe records kept for ever", keep_dedupe_records)]
"""Run before the service's own."""


class ServiceRuntime:
    """Starts without Kafka (commands are accepted, events wait in the outbox) but not without MongoDB."""

    def __init__(
        self,
        settings: ServiceSettings,
        *,
        publishes: str | None,
        consumes: list[str],
        reactions: Reactions,
        indexes: dict[str, list[IndexModel]],
        migrations: Sequence[Migration] = (),
        compacted_topics: list[str] | None = None,
        resources: Sequence[AbstractAsyncContextManager[object]] = (),
        background: Sequence[Loop] = (),
        on_events_committed: Sequence[Callable[[], None]] = (),
    ) -> None:
        """`publishes` is the service's topic, None for a service that publishes nothing; `compacted_topics` are
        published to besides it, created compacted; `migrations` run at start, before anything serves or
        consumes (see shared.storage.migrations); `resources` (say, an HTTP client) are entered at start and
        exited at stop, around `background`: loops that run while the service is up (say, expiring holds), each
        restarted after a failure; `on_events_committed` are told each time a transaction commits events."""
        self.settings = settings
        self._published_topic = settings.topic(publishes) if publishes is not None else None
        self._compacted_topics = {name: settings.topic(name) for name in compacted_topics or []}
        self._resources = list(resources)
        self._background = list(background)
        self._commit_listeners = list(on_events_committed)
        self._consumed_topics = [settings.topic(name) for name in consumes]
        self._reactions = reactions
        self._indexes = indexes
        self._migrations = list(migrations)
        self._client: AsyncMongoClient[Document] | None = None
        self._database: ServiceDatabase | None = None
        self._entered = contextlib.AsyncExitStack()
        self.producer: AIOKafkaProducer | None = None
        self.consumer: EventConsumer | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.before_committing_events: list[Callable[[Transaction], Awaitable[None]]] = []

    def add_indexes(self, indexes: dict[str, list[IndexModel]]) -> None:
        """Indexes of plumbing the app adds (idempotency keys), beside the service's own."""
        self._indexes = merge_indexes(self._indexes, indexes)

    @property
    def database(self) -> ServiceDatabase:
        if self._database is None:
            raise RuntimeError("the service runtime has not started")
        return self._database

    async def start(self) -> None:
        settings = self.settings
        self._client = AsyncMongoClient(settings.mongodb_url, **settings.mongodb_client_options)
        self._database = ServiceDatabase(
            client=self._client,
            name=settings.database_name,
            source=f"/services/{settings.service_name}",
            topic=self._published_topic,
            other_topics=self._compacted_topics,
        )
        for step in self.before_committing_events:
            self._database.before_committing_events(step)
        for listener in self._commit_listeners:
            self._database.on_events_committed(listener)
        await self._database.ensure_indexes(merge_indexes(PLUMBING_INDEXES, self._indexes))
        await migrate(self._database, [*PLUMBING_MIGRATIONS, *self._migrations])
        self.consumer = EventConsumer(
            name=settings.service_name,
            topics=self._consumed_topics,
            reactions=self._reactions,
            database=self._database,
            max_attempts=settings.consumer_max_attempts,
            backoff_seconds=settings.consumer_backoff_seconds,
            batch_size=settings.consumer_batch_size,
            group=settings.consumer_group,
            topic_prefix=settings.kafka_topic_prefix,
        )
        self._tasks.append(asyncio.create_task(self._run_kafka_side(), name=f"{settings.service_name}-kafka"))
        for resource in self._resources:
            await self._entered.enter_async_context(resource)
        for loop in self._background:
            name = f"{settings.service_name}-{getattr(loop, '__name__', 'background')}"
            self._tasks.append(asyncio.create_task(_kept_running(loop, self._database, name), name=name))

    async def stop(self) -> None:
        """Stop the relay, the consumer and the clients, each given a grace period: a broker or database
        that is gone never holds the shutdown up for longer."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            await _within_grace(_cancelled(task), what=task.get_name())
        self._tasks.clear()
        await _within_grace(self._entered.aclose(), what="the background work's resources")
        if self.producer is not None:
            await _within_grace(self.producer.stop(), what="the Kafka producer")
        if self._client is not None:
            await _within_grace(self._client.close(), what="the MongoDB client")

    async def _run_kafka_side(self) -> None:
        settings = self.settings
        compacted = frozenset(self._compacted_topics.values())
        published = [self._published_topic] if self._published_topic is not None else []
        topics = [*published, *compacted, *self._consumed_topics]
        topics += [dead_letter_topic(topic) for topic in self._consumed_topics]
        await retry_until_done(
            lambda: ensure_topics(
                topics,
                bootstrap_servers=settings.kafka_bootstrap_servers,
                security=settings.kafka_security,
                layout=settings.topic_layout,
                compacted=compacted,
            ),
            what="create topics",
        )
        self.producer = await retry_until_done(self._started_producer, what="connect the producer")
        relay = OutboxRelay(
            database=self.database,
            producer=self.producer,
            service=settings.service_name,
            poll_seconds=settings.outbox_poll_seconds,
            batch_size=settings.outbox_batch_size,
        )
        await asyncio.gather(relay.run(), self._consume(self.producer))

    async def _started_producer(self) -> AIOKafkaProducer:
        producer = new_producer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            security=self.settings.kafka_security,
            client_id=self.settings.service_name,
        )
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        return producer

    async def _consume(self, dead_letters: AIOKafkaProducer) -> None:
        """Run the consumer loop; restart it with backoff whenever it fails."""
        if not self._consumed_topics or self.consumer is None:
            return
        backoff = Backoff(first=0.5, cap=RETRY_CAP_SECONDS)
        while True:
            consumer = new_consumer(
                bootstrap_servers=self.settings.kafka_bootstrap_servers,
                security=self.settings.kafka_security,
                group_id=self.settings.consumer_group,
                client_id=self.settings.service_name,
            )
            delay = backoff.delay()
            try:
                await consumer.start()
                await self.consumer.run(consumer, dead_letters)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # its type, never its message (which may quote what an event or a document holds)
                log.error("consumer loop failed (%s); restarting in %.1fs", type(error).__name__, delay)
                metrics.CONSUMER_FAILURES.labels(self.settings.service_name).inc()
                self.consumer.health.failed(error)
            finally:
                await consumer.stop()
            await asyncio.sleep(delay)

    async def readiness(self) -> dict[str, str]:
        """Each dependency's state, "ok" or why not."""
        checks = {"mongodb": self._mongodb_state(), "kafka": self._kafka_state()}
        states = dict(zip(checks, await asyncio.gather(*checks.values()), strict=True))
        states["consumer"] = self._consumer_state()
        for check, state in states.items():
            metrics.READINESS.labels(self.settings.service_name, check).set(1 if state == "ok" else 0)
        return states

    async def _mongodb_state(self) -> str:
        try:
            await asyncio.wait_for(self.database.ping(), timeout=3)
        except Exception as error:
            return f"unreachable: {type(error).__name__}"
        return "ok"

    async def _kafka_state(self) -> str:
        if self.producer is None:
            return "not connected yet"
        try:
            await asyncio.wait_for(self.producer.client.fetch_all_metadata(), timeout=3)
        except Exception as error:
            return f"unreachable: {type(error).__name__}"
        return "ok"

    def _consumer_state(self) -> str:
        if not self._consumed_topics or self.consumer is None:
            return "ok"
        if any(task.done() for task in self._tasks):
            return "stopped"
        return self.consumer.health.state(self.settings.consumer_stall_seconds)


async def _kept_running(
    loop: Callable[[ServiceDatabase], Awaitable[None]], database: ServiceDatabase, name: str
) -> None:
    backoff = Backoff(first=1.0, cap=RETRY_CAP_SECONDS)
    while True:
        try:
            await loop(database)
            return
        except Exception as error:
            waited = await backoff.wait()
            log.error("%s failed (%s); restarted after %.1fs", name, type(error).__name__, waited)


async def _cancelled(task: asyncio.Task[None]) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _within_grace(step: Awaitable[None], *, what: str) -> None:
    try:
        await asyncio.wait_for(step, timeout=SHUTDOWN_GRACE_SECONDS)
    except TimeoutError:
        log.warning("%s did not stop within %.0fs; giving up on it", what, SHUTDOWN_GRACE_SECONDS)


async def retry_until_done(action: Callable[[], Awaitable[Started]], *, what: str) -> Started:
    """Run `action` until it succeeds, backing off; for connecting to a broker that may be away."""
    backoff = Backoff(first=0.5, cap=RETRY_CAP_SECONDS)
    while True:
        try:
            return await action()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            delay = backoff.delay()
            log.warning("could not %s (%s); retrying in %.1fs", what, type(error).__name__, delay)
            await asyncio.sleep(delay)
