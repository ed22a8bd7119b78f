"""A service's one table of reactions: event contract -> use case, each receiving its payload typed."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

from shared.messaging.envelope import Envelope
from shared.messaging.registry import EventData, UnknownEventType
from shared.storage.database import Transaction
from shared.tracing import Trace, handling_event

Payload = TypeVar("Payload", bound=EventData)
Reaction: TypeAlias = Callable[[Transaction, Envelope, Payload], Awaitable[None]]
Received: TypeAlias = tuple[Envelope, Payload]
RunReaction: TypeAlias = Callable[[Transaction, Sequence[Received[Payload]]], Awaitable[None]]
"""Reacts to a run of consecutive events at once, in one transaction: for bulk writes."""


def trace_of(envelope: Envelope) -> Trace:
    """Events a reaction publishes share the correlation and are caused by this event."""
    return Trace(correlation_id=envelope.correlationid or envelope.id, causation_id=envelope.id)


@dataclass(frozen=True)
class On(Generic[Payload]):
    """A row of a reaction table: events of `contract` go to `reaction`, one at a time, typed."""

    contract: type[Payload]
    reaction: Reaction[Payload]
    keyed_by_event = False
    one_at_a_time = False

    async def run(self, tx: Transaction, received: Sequence[Received[Payload]]) -> None:
        for envelope, payload in received:
            tx.trace = trace_of(envelope)
            with handling_event(tx.trace):  # what the reaction logs carries the event's correlation id
                await self.reaction(tx, envelope, payload)


@dataclass(frozen=True)
class OnRun(Generic[Payload]):
    """A row whose reaction takes each run of consecutive events of `contract` (and of any other contract
    with the same reaction) at once, so it can write them in bulk; events it publishes trace to the run's first.

    `keyed_by_event`: the reaction writes, for each event, a document a unique index keys by the event's id, with
    `Transaction.insert_once_per_event`; that document is the dedupe record, and the consumer writes no other.
    `one_at_a_time`: every run's transaction writes one shared document (a collection's positions in commit
    order), so two at once would only conflict and be run again: the consumer runs them one after another."""

    contract: type[Payload]
    run: RunReaction[Payload]
    keyed_by_event: bool = False
    one_at_a_time: bool = False


Row: TypeAlias = On[Any] | OnRun[Any]


class Reactions:
    """A service's one table of reactions, by contract (event type and version)."""

    def __init__(self, *rows: Row) -> None:
        self._rows: dict[tuple[str, int], Row] = {}
        for row in rows:
            key = (row.contract.event_type, row.contract.version)
            if key in self._rows:
                raise ValueError(f"two reactions to {key[0]} v{key[1]}")
            self._rows[key] = row
        self.event_types = frozenset(event_type for event_type, _ in self._rows)

    def to(self, envelope: Envelope) -> Row | None:
        """The row that reacts to runs of this envelope's type and version; None when the service reacts to neither.

        A type the service reacts to in other versions only is an UnknownEventType: it cannot read it."""
        if envelope.type not in self.event_types:
            return None
        row = self._rows.get((envelope.type, envelope.version))
        if row is None:
            handled = sorted(version for event_type, version in self._rows if event_type == envelope.type)
            raise UnknownEventType(f"{envelope.type} v{envelope.version}: this service reads versions {handled}")
        return row
