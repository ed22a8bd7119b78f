"""A service's one table of reactions: event contract -> use case, each receiving its payload typed."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

from shared.database import Transaction
from shared.events import Envelope, EventData, UnknownEventType

Payload = TypeVar("Payload", bound=EventData)
Reaction: TypeAlias = Callable[[Transaction, Envelope, Payload], Awaitable[None]]


@dataclass(frozen=True)
class On(Generic[Payload]):
    """A row of a reaction table: events of `contract` go to `reaction`, which receives them typed."""

    contract: type[Payload]
    reaction: Reaction[Payload]


class Reactions:
    """A service's one table of reactions, by contract (event type and version)."""

    def __init__(self, *rows: On[Any]) -> None:
        self._rows: dict[tuple[str, int], On[Any]] = {}
        for row in rows:
            key = (row.contract.event_type, row.contract.version)
            if key in self._rows:
                raise ValueError(f"two reactions to {key[0]} v{key[1]}")
            self._rows[key] = row
        self.event_types = frozenset(event_type for event_type, _ in self._rows)

    def to(self, envelope: Envelope) -> Reaction[EventData] | None:
        """The reaction to this envelope's type and version; None when the service reacts to neither.

        A type the service reacts to in other versions only is an UnknownEventType: it cannot read it."""
        if envelope.type not in self.event_types:
            return None
        row = self._rows.get((envelope.type, envelope.version))
        if row is None:
            handled = sorted(version for event_type, version in self._rows if event_type == envelope.type)
            raise UnknownEventType(f"{envelope.type} v{envelope.version}: this service reads versions {handled}")
        reaction: Reaction[EventData] = row.reaction
        return reaction
