"""A service's own MongoDB database: transactions that carry the outbox and the dedupe record."""

import asyncio
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import uuid4

import pymongo
from pymongo import AsyncMongoClient, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError

from shared.backoff import Backoff
from shared.messaging.registry import EventData, envelope_for
from shared.tracing import Trace

Document = dict[str, Any]
Result = TypeVar("Result")

OUTBOX = "outbox"
PROCESSED_EVENTS = "processed_events"
POSITIONS = "positions"
POSITION = "position"
DUPLICATE_KEY = 11000
CONCURRENT_CHANGE_RETRIES = 20
INDEX_BUILD_SECONDS = 600.0


class ConcurrentChange(Exception):
    """A document changed since it was read; the whole unit of work is run again."""


class AlreadyHandled(Exception):
    """This consumer has already handled this event; the transaction is abandoned."""


class Transaction:
    """One unit of work: reads and writes in `session`, new events into the outbox. A read-only unit of work
    (`ServiceDatabase.read`) has no session: each of its reads stands alone."""

    def __init__(
        self,
        *,
        db: AsyncDatabase[Document],
        session: AsyncClientSession | None,
        source: str,
        topic: str | None,
        trace: Trace,
        other_topics: dict[str, str] | None = None,
    ) -> None:
        self.db = db
        self.session = session
        self.trace = trace
        self._source = source
        self._topic = topic
        self._other_topics = other_topics or {}
        self.appended = 0

    async def publish(self, payload: EventData, *, subject: str, sequence: int) -> None:
        """Append an event of aggregate `subject` (at its `sequence`) to the outbox, for the service's topic or
        the one its contract names."""
        if self.session is None:
            raise RuntimeError("a read-only unit of work publishes nothing")
        envelope = envelope_for(
            payload,
            source=self._source,
            subject=subject,
            sequence=sequence,
            correlation_id=self.trace.correlation_id,
            causation_id=self.trace.causation_id,
        )
        record = {
            "event_id": envelope.id,
            "type": envelope.type,
            "topic": self._topic_of(payload.topic),
            "key": subject,
            "sequence": sequence,
            "value": envelope.to_bytes(),
            "created_at": envelope.time,
        }
        await self.db[OUTBOX].insert_one(record, session=self.session)
        self.appended += 1

    async def tombstone(self, topic: str, *, key: str, sequence: int) -> None:
        """Append a tombstone (a message without a value) for `key` on compacted `topic`: compaction then
        forgets the key."""
        if self.session is None:
            raise RuntimeError("a read-only unit of work publishes nothing")
        record = {
            "event_id": f"tombstone-{uuid4()}",
            "type": None,
            "topic": self._topic_of(topic),
            "key": key,
            "sequence": sequence,
            "value": None,
            "created_at": datetime.now(UTC),
        }
        await self.db[OUTBOX].insert_one(record, session=self.session)
        self.appended += 1

    async def document(
        self, collection: str, query: str | Document, *, projection: list[str] | None = None
    ) -> Document | None:
        """The one way a store reads one document: by `_id`, or the first that `query` matches; None if none.
        Inside a transaction it reads the transaction's snapshot; in `ServiceDatabase.read` it stands alone."""
        found = {"_id": query} if isinstance(query, str) else query
        return await self.db[collection].find_one(found, projection=projection, session=self.session)

    def _topic_of(self, name: str | None) -> str:
        if name is None:
            if self._topic is None:
                raise RuntimeError("the service publishes nothing; its events need a topic of their own")
            return self._topic
        if name not in self._other_topics:
            raise RuntimeError(f"the service does not publish to {name}; name it in the runtime's other topics")
        return self._other_topics[name]

    async def save_versioned(
        self, collection: str, document: Document, *, duplicate: Exception | None = None, listed: bool = False
    ) -> None:
        """Save a versioned document: insert version 1, or update every field of the version before it.

        The one rule for a lost race: another transaction wrote first, so this one raises ConcurrentChange and
        the whole unit of work runs again on fresh reads. A first insert that meets a unique index raises
        `duplicate` when given (a taken code or name), else it too lost a race to the same id. A `listed`
        document takes its position in the collection's commit order (see `take_positions`) when first saved.
        """
        if document["version"] == 1:
            positioned = {POSITION: (await self.take_positions(collection))[0]} if listed else {}
            try:
                await self.db[collection].insert_one({**document, **positioned}, session=self.session)
            except DuplicateKeyError:
                if duplicate is not None:
                    raise duplicate from None
                raise ConcurrentChange(f"{collection} {document['_id']} was created meanwhile") from None
            return
        previous = {"_id": document["_id"], "version": document["version"] - 1}
        fields = {name: value for name, value in document.items() if name != "_id"}
        result = await self.db[collection].update_one(previous, {"$set": fields}, session=self.session)
        if result.matched_count != 1:
            raise ConcurrentChange(f"{collection} {document['_id']} changed meanwhile")

    async def take_positions(self, collection: str, count: int = 1) -> range:
        """The next `count` positions of `collection` in commit order.

        Every transaction that takes one writes the collection's one counter, so such transactions commit one
        after another and a later position never commits before an earlier one: a reader following positions
        never passes a record that has yet to commit.
        """
        counter = await self.db[POSITIONS].find_one_and_update(
            {"_id": collection},
            {"$inc": {"last": count}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=self.session,
        )
        assert counter is not None  # upserted
        last: int = counter["last"]
        return range(last - count + 1, last + 1)

    async def mark_all_handled(self, consumer: str, event_ids: list[str]) -> None:
        """Record that `consumer` handled these events; raises AlreadyHandled if any was handled before."""
        now = datetime.now(UTC)
        records = [{"consumer": consumer, "event_id": event_id, "handled_at": now} for event_id in event_ids]
        await self.insert_once_per_event(PROCESSED_EVENTS, records)

    async def insert_once_per_event(self, collection: str, documents: list[Document]) -> None:
        """Insert documents a unique index keys by event; AlreadyHandled if one of those events has one already."""
        try:
            await self.db[collection].insert_many(documents, session=self.session)
        except (DuplicateKeyError, BulkWriteError) as error:
            if isinstance(error, BulkWriteError) and not all(
                failure["code"] == DUPLICATE_KEY for failure in error.details.get("writeErrors", [])
            ):
                raise
            raise AlreadyHandled(f"one of {len(documents)} events in {collection} was handled before") from None


@dataclass
class JoinedWork:
    """The transactions and reads of one piece of work (a request) run as one MongoDB transaction: the session
    it opens at its first transaction, whether one of them failed (nothing is then committed), and whether one
    lost a race (the whole work then runs again)."""

    owner: "asyncio.Task[object] | None"
    session: AsyncClientSession | None = None
    failed: bool = False
    run_again: bool = False
    appended: int = 0


_joined: ContextVar[JoinedWork | None] = ContextVar("joined_work", default=None)


async def _abandoned(session: AsyncClientSession) -> None:
    if session.in_transaction:
        await session.abort_transaction()
    await session.end_session()


def _lost_a_race(error: BaseException) -> bool:
    transient = isinstance(error, PyMongoError) and error.has_error_label("TransientTransactionError")
    return isinstance(error, ConcurrentChange) or transient


class ServiceDatabase:
    """The service's database; the only way its code reads or writes MongoDB."""

    def __init__(
        self,
        *,
        client: AsyncMongoClient[Document],
        name: str,
        source: str,
        topic: str | None,
        other_topics: dict[str, str] | None = None,
    ) -> None:
        self.client = client
        self.db: AsyncDatabase[Document] = client[name]
        self._source = source
        self._topic = topic
        self._other_topics = other_topics or {}
        self._commit_listeners: list[Callable[[], None]] = []
        self._before_commit: list[Callable[[Transaction], Awaitable[None]]] = []

    def on_events_committed(self, listener: Callable[[], None]) -> None:
        self._commit_listeners.append(listener)

    def before_committing_events(self, step: Callable[[Transaction], Awaitable[None]]) -> None:
        """Run `step` inside every transaction that records events, just before it commits."""
        self._before_commit.append(step)

    async def transaction(
        self, work: Callable[[Transaction], Awaitable[Result]], *, trace: Trace | None = None
    ) -> Result:
        """Run `work` in one transaction, retried as a whole on transient errors; inside `as_one_transaction`,
        in that one transaction."""
        trace = trace or Trace.of_current_request()
        if (joined := self._joined_here()) is not None:
            return await self._in_joined(joined, work, trace)
        appended = 0

        async def attempt(session: AsyncClientSession) -> Result:
            nonlocal appended
            tx = self._unit(session, trace)
            result = await work(tx)
            if tx.appended:
                for step in self._before_commit:
                    await step(tx)
            appended = tx.appended
            return result

        backoff = Backoff(first=0.01, cap=0.2, jitter=True)
        for retry in range(CONCURRENT_CHANGE_RETRIES):
            try:
                async with self.client.start_session() as session:
                    result = await session.with_transaction(attempt)
                break
            except ConcurrentChange:
                if retry == CONCURRENT_CHANGE_RETRIES - 1:
                    raise
                await backoff.wait()
        if appended:
            for listener in self._commit_listeners:
                listener()
        return result

    async def read(self, work: Callable[[Transaction], Awaitable[Result]]) -> Result:
        """Run `work`, which only reads, outside any transaction: a single document needs no snapshot, and a
        transaction costs a round trip to commit. Work that must see several documents as of one moment (or
        that writes) runs in `transaction`. Inside `as_one_transaction`, once it has written, it reads there (so
        that it sees what was written)."""
        joined = self._joined_here()
        session = joined.session if joined is not None else None
        return await work(self._unit(session, Trace.of_current_request() if session else Trace()))

    async def as_one_transaction(
        self,
        work: Callable[[], Awaitable[Result]],
        *,
        finish: Callable[[Transaction, Result], Awaitable[bool]],
    ) -> Result:
        """Run `work` so that every transaction it runs is one MongoDB transaction, which `finish` may add to and
        which commits when `finish` says so (nothing commits when one of the transactions failed). A lost race or
        a transient error runs `work` again from the start, as `transaction` does for one transaction. For work
        that must commit together with what is known only once it is done (a request and its response)."""
        backoff = Backoff(first=0.01, cap=0.2, jitter=True)
        for retry in range(CONCURRENT_CHANGE_RETRIES):
            joined = JoinedWork(owner=asyncio.current_task())
            token = _joined.set(joined)
            try:
                result = await work()
            except BaseException as error:
                if joined.session is not None:
                    await _abandoned(joined.session)
                if not (joined.run_again and isinstance(error, Exception)) or retry == CONCURRENT_CHANGE_RETRIES - 1:
                    raise
                await backoff.wait()  # a transaction of it lost a race, and the work let the error through
                continue
            finally:
                _joined.reset(token)
            session = joined.session
            if session is None:
                return result  # nothing was written: nothing to commit
            try:
                if joined.run_again:
                    raise ConcurrentChange("a transaction of the work lost a race")
                if joined.failed or not await finish(self._unit(session, Trace.of_current_request()), result):
                    await session.abort_transaction()
                    return result
                await self._commit(session)
            except Exception as error:
                if session.in_transaction:
                    await session.abort_transaction()
                if not _lost_a_race(error) or retry == CONCURRENT_CHANGE_RETRIES - 1:
                    raise
                await backoff.wait()
                continue
            finally:
                await session.end_session()
            if joined.appended:
                for listener in self._commit_listeners:
                    listener()
            return result
        raise AssertionError("unreachable: the last retry raises")

    def _joined_here(self) -> JoinedWork | None:
        """The joined work this task runs in; never one a task started meanwhile inherited with its context."""
        joined = _joined.get()
        return joined if joined is not None and joined.owner is asyncio.current_task() else None

    async def _in_joined(
        self, joined: JoinedWork, work: Callable[[Transaction], Awaitable[Result]], trace: Trace
    ) -> Result:
        if joined.session is None:
            joined.session = self.client.start_session()
            await joined.session.start_transaction()
        tx = self._unit(joined.session, trace)
        try:
            result = await work(tx)
            if tx.appended:
                for step in self._before_commit:
                    await step(tx)
        except BaseException as error:
            joined.failed = True
            joined.run_again = joined.run_again or _lost_a_race(error)
            raise
        joined.appended += tx.appended
        return result

    async def _commit(self, session: AsyncClientSession) -> None:
        """Commit, trying again while the outcome is unknown (a commit is safe to repeat)."""
        for attempt in range(3):
            try:
                await session.commit_transaction()
                return
            except PyMongoError as error:
                if not error.has_error_label("UnknownTransactionCommitResult") or attempt == 2:
                    raise

    def _unit(self, session: AsyncClientSession | None, trace: Trace) -> Transaction:
        return Transaction(
            db=self.db,
            session=session,
            source=self._source,
            topic=self._topic,
            trace=trace,
            other_topics=self._other_topics,
        )

    async def ensure_indexes(self, indexes: dict[str, list[IndexModel]]) -> None:
        # building an index on a large collection takes longer than any request may: its own, longer deadline
        with pymongo.timeout(INDEX_BUILD_SECONDS):
            for collection, models in indexes.items():
                if models:
                    await self.db[collection].create_indexes(models)

    async def ping(self) -> None:
        await self.db.command("ping")
