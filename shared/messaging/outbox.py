"""The outbox relay: publishes committed events, in commit order, until each is acknowledged, then deletes them."""

import asyncio
import contextlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import uuid4

from aiokafka import AIOKafkaProducer

from shared import metrics
from shared.backoff import RETRY_CAP_SECONDS, Backoff
from shared.messaging.relay_lease import RelayLease
from shared.messaging.relay_sends import send_all
from shared.storage.database import OUTBOX, Document, ServiceDatabase
from shared.storage.indexes import drop_retired_index

log = logging.getLogger(__name__)
OUTBOX_SET_ASIDE = "outbox_set_aside"
UNPUBLISHED = {"published_at": None}
"""Every record in the outbox (they carry no such field), bar one a relay of an earlier version marked published
and kept, during a rolling upgrade."""
RETIRED_INDEXES = ("unpublished_in_order", "unpublished_by_aggregate", "published_ttl", "event_id")
BATCHES_PER_READ = 20
"""Batches a relay round reads from one query of the backlog, before it queries again."""
BACKLOG_MEASURE_SECONDS = 15.0
"""Counting the backlog costs a scan of it (and finding its oldest record, a sort of it): done at most this often
(Prometheus' scrape interval), and only while no round of this relay has read to its end."""
HISTORY_FORGOTTEN_EVERY_SECONDS = 3600.0


def in_sequence(record: Document) -> tuple[str, int, object]:
    return record["key"], record.get("sequence", 0), record["_id"]


@dataclass
class ReadSoFar:
    """What one read of the backlog has sent: a record sent early, as a later record's straggler, is not sent
    again when the read reaches it, and an aggregate continued from an earlier batch is no gap."""

    sent: set[object] = field(default_factory=set)
    through: dict[str, int] = field(default_factory=dict)

    def record(self, sent: list[Document]) -> None:
        for record in sent:
            self.sent.add(record["_id"])
            key, sequence = record["key"], record.get("sequence", 1)
            self.through[key] = max(self.through.get(key, 0), sequence)


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
        lease_seconds: float = 10.0,
    ) -> None:
        self._db = database.db
        self._producer = producer
        self._service = service
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self._measured_at = 0.0
        self._caught_up = False
        self._lease = RelayLease(database, owner=f"{service}-{uuid4().hex[:12]}", seconds=lease_seconds)
        database.on_events_committed(self._wake.set)

    async def run(self) -> None:
        """Publish forever; failures (broker or database down) are logged, counted and retried."""
        backoff = Backoff(first=self._poll_seconds, cap=RETRY_CAP_SECONDS)
        forgotten_at = -HISTORY_FORGOTTEN_EVERY_SECONDS
        while True:
            try:
                if time.monotonic() - forgotten_at > HISTORY_FORGOTTEN_EVERY_SECONDS:
                    forgotten_at = await self.forget_published_history()
                published = await self.publish_pending()
                await self.account_for_backlog()
                backoff.reset()
                if published:  # more may have come meanwhile: read again, and sleep once a read finds none
                    continue
                await self._sleep(self._poll_seconds)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                delay = backoff.delay()
                # its type, never its message (a database's quotes the key values it refused)
                log.error("outbox relay round failed (%s); retrying in %.1fs", type(error).__name__, delay)
                metrics.OUTBOX_FAILURES.labels(self._service).inc()
                await self._sleep(delay)

    async def forget_published_history(self) -> float:
        """After an upgrade from relays that kept published records (marked `published_at`) for a week: those
        records and the indexes that served them go, so that publishing deletes instead of rewriting. Done at
        start and hourly after (an older replica may still be marking, mid-upgrade); when it was done."""
        for index in RETIRED_INDEXES:
            await drop_retired_index(self._db[OUTBOX], index)
        await self._db[OUTBOX].delete_many({"published_at": {"$ne": None}})
        return time.monotonic()

    async def publish_pending(self) -> int:
        """While this relay holds the lease: read the unpublished records oldest first with one cursor, and
        publish them a batch at a time, up to `BATCHES_PER_READ` batches; how many were published.

        One read per round, not one per batch: a server that does not stop a sorted scan at its limit (SecantusDB)
        would otherwise go over the whole backlog for every batch of it."""
        self._caught_up = False
        if not await self._lease.hold():
            return 0
        published, so_far = 0, ReadSoFar()
        unpublished = self._db[OUTBOX].find(UNPUBLISHED, sort=[("_id", 1)], batch_size=self._batch_size)
        try:
            for _ in range(BATCHES_PER_READ):
                batch = await unpublished.to_list(self._batch_size)
                published += await self._publish_batch([r for r in batch if r["_id"] not in so_far.sent], so_far)
                if len(batch) < self._batch_size:
                    self._caught_up = True
                    break
                if not await self._lease.hold():
                    break
        finally:
            await unpublished.close()
        return published

    async def _publish_batch(self, records: list[Document], so_far: ReadSoFar) -> int:
        """Send the records, each aggregate's events in sequence order, delete what Kafka acknowledged and set
        aside what it can never take; how many were sent."""
        if not records:
            return 0
        batch = await self.in_aggregate_order(records, so_far)
        sends = await send_all(self._producer, batch)
        sent = sends.sent
        so_far.record(sent)
        if sent:  # Kafka holds them now: an outbox keeps only what is still to publish
            await self._db[OUTBOX].delete_many({"_id": {"$in": [record["_id"] for record in sent]}})
        for record, error in sends.refused:
            await self._set_aside(record, error)
        for topic, count in Counter(record["topic"] for record in sent).items():
            metrics.EVENTS_PUBLISHED.labels(self._service, topic).inc(count)
        return len(sent)

    async def _set_aside(self, record: Document, error: Exception) -> None:
        """Move a record Kafka can never take out of the way, with the reason, for an operator to look at."""
        reason = type(error).__name__  # never its message, which may quote what the record holds
        log.error("outbox record %s of %s set aside: %s", record.get("event_id"), record.get("key"), reason)
        metrics.OUTBOX_SET_ASIDE.labels(self._service).inc()
        await self._db[OUTBOX_SET_ASIDE].replace_one(
            {"_id": record["_id"]}, {**record, "reason": reason, "set_aside_at": datetime.now(UTC)}, upsert=True
        )
        await self._db[OUTBOX].delete_one({"_id": record["_id"]})

    async def in_aggregate_order(self, batch: list[Document], so_far: ReadSoFar | None = None) -> list[Document]:
        """The batch, with any earlier unpublished event of its aggregates, each aggregate in `sequence` order.

        Insertion order is commit order only within one process: with several writers (replicas) an aggregate's
        later event can sort first, or its earlier one fall outside the batch; this puts them back in order.
        """
        through = so_far.through if so_far else {}
        sequences: dict[str, set[int]] = {}
        for record in batch:
            sequences.setdefault(record["key"], set()).add(record.get("sequence", 1))
        # an aggregate whose events here run without a gap from its first (or from those this read sent) has
        # none unpublished before them
        later = {key for key, seen in sequences.items() if seen != set(range(through.get(key, 0) + 1, max(seen) + 1))}
        if not later:
            return sorted(batch, key=in_sequence)
        stragglers = (
            await self._db[OUTBOX]
            .find(
                {
                    **UNPUBLISHED,
                    "key": {"$in": sorted(later)},
                    "_id": {"$nin": [record["_id"] for record in batch]},
                }
            )
            .to_list()
        )
        return sorted(batch + stragglers, key=in_sequence)

    async def account_for_backlog(self) -> None:
        """The backlog gauges after a round: none left when the round read the backlog to its end and sent it,
        else measured, at most every BACKLOG_MEASURE_SECONDS (a replica without the lease measures what the one
        with it has still to send)."""
        if self._caught_up:
            self._report_backlog(0, 0.0)
        elif time.monotonic() - self._measured_at > BACKLOG_MEASURE_SECONDS:
            await self.measure_backlog()

    async def measure_backlog(self) -> None:
        self._measured_at = time.monotonic()
        unpublished = self._db[OUTBOX]
        backlog = await unpublished.count_documents(UNPUBLISHED)
        oldest = await unpublished.find_one(UNPUBLISHED, sort=[("_id", 1)])
        age = (datetime.now(UTC) - oldest["created_at"].replace(tzinfo=UTC)).total_seconds() if oldest else 0.0
        self._report_backlog(backlog, age)

    def _report_backlog(self, backlog: int, oldest_age: float) -> None:
        metrics.OUTBOX_BACKLOG.labels(self._service).set(backlog)
        metrics.OUTBOX_OLDEST_AGE.labels(self._service).set(max(oldest_age, 0.0))

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()
