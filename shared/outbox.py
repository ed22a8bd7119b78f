"""The outbox relay: publishes committed events, in commit order, until each is acknowledged."""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from shared import metrics
from shared.backoff import RETRY_CAP_SECONDS, Backoff
from shared.database import OUTBOX, Document, ServiceDatabase

log = logging.getLogger(__name__)
STRUCTURED_CONTENT_TYPE = ("content-type", b"application/cloudevents+json; charset=UTF-8")
"""The CloudEvents Kafka binding's structured content mode: the whole event, as JSON, in the value."""


class OutboxRelay:
    """Runs beside the service; a commit wakes it, a poll catches whatever a crash left behind."""

    def __init__(
        self,
        *,
        database: ServiceDatabase,
        producer: AIOKafkaProducer,
        service: str,
        poll_seconds: float,
        batch_size: int,
    ) -> None:
        self._db = database.db
        self._producer = producer
        self._service = service
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        database.on_events_committed(self._wake.set)

    async def run(self) -> None:
        """Publish forever; failures (broker or database down) are logged, counted and retried."""
        backoff = Backoff(first=self._poll_seconds, cap=RETRY_CAP_SECONDS)
        while True:
            try:
                published = await self.publish_pending()
                await self.measure_backlog()
                backoff.reset()
                if published == self._batch_size:
                    continue
                await self._sleep(self._poll_seconds)
            except asyncio.CancelledError:
                raise
            except Exception:
                delay = backoff.delay()
                log.exception("outbox relay round failed; retrying in %.1fs", delay)
                metrics.OUTBOX_FAILURES.labels(self._service).inc()
                await self._sleep(delay)

    async def publish_pending(self) -> int:
        """Send the oldest unpublished batch, each aggregate's events in sequence order, then mark it published."""
        batch = await self.in_aggregate_order(
            await self._db[OUTBOX].find({"published_at": None}, sort=[("_id", 1)], limit=self._batch_size).to_list()
        )
        if not batch:
            return 0
        deliveries = [await self._send(record) for record in batch]
        await asyncio.gather(*deliveries)
        await self._db[OUTBOX].update_many(
            {"_id": {"$in": [record["_id"] for record in batch]}}, {"$set": {"published_at": datetime.now(UTC)}}
        )
        for record in batch:
            metrics.EVENTS_PUBLISHED.labels(self._service, record["topic"]).inc()
        return len(batch)

    async def in_aggregate_order(self, batch: list[Document]) -> list[Document]:
        """The batch, with any earlier unpublished event of its aggregates, each aggregate in `sequence` order.

        Insertion order is commit order only within one process: with several writers (replicas) an aggregate's
        later event can sort first, or its earlier one fall outside the batch; this puts them back in order.
        """
        if not batch:
            return batch
        stragglers = (
            await self._db[OUTBOX]
            .find(
                {
                    "key": {"$in": list({record["key"] for record in batch})},
                    "published_at": None,
                    "_id": {"$nin": [record["_id"] for record in batch]},
                }
            )
            .to_list()
        )
        return sorted(batch + stragglers, key=lambda record: (record["key"], record.get("sequence", 0), record["_id"]))

    async def _send(self, record: Document) -> asyncio.Future[object]:
        delivery: asyncio.Future[object] = await self._producer.send(
            record["topic"],
            value=record["value"],
            key=record["key"].encode(),
            headers=[STRUCTURED_CONTENT_TYPE],
        )
        return delivery

    async def measure_backlog(self) -> None:
        unpublished = self._db[OUTBOX]
        backlog = await unpublished.count_documents({"published_at": None})
        metrics.OUTBOX_BACKLOG.labels(self._service).set(backlog)
        oldest = await unpublished.find_one({"published_at": None}, sort=[("_id", 1)])
        age = (datetime.now(UTC) - oldest["created_at"].replace(tzinfo=UTC)).total_seconds() if oldest else 0.0
        metrics.OUTBOX_OLDEST_AGE.labels(self._service).set(max(age, 0.0))

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()
