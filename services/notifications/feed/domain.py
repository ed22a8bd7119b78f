"""The platform's event feed: every published event, once, in the order received; pure, no I/O."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.notifications.links.domain import Scope
from shared.messaging.envelope import Envelope


@dataclass(frozen=True)
class FeedEntry:
    """One event as partner agencies read it: the envelope's attributes and its payload."""

    event_id: str
    type: str
    source: str
    subject: str
    time: datetime
    dataschema: str
    sequence: int
    correlation_id: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Audience:
    """Which agencies' reads show an entry: those of `agency_ids` when it is `bound` to programmes, every agency
    when it is bound to none; `waiting` while the links that tell are not known yet."""

    bound: bool
    agency_ids: list[str]
    waiting: bool

    @classmethod
    def of(cls, scope: Scope | None) -> "Audience":
        if scope is None:
            return cls(bound=True, agency_ids=[], waiting=True)
        return cls(bound=scope.bound, agency_ids=sorted(scope.agency_ids), waiting=False)


def feed_entry(envelope: Envelope, scope: Scope | None) -> tuple[FeedEntry, Audience]:
    return _entry(envelope), Audience.of(scope)


def _entry(envelope: Envelope) -> FeedEntry:
    return FeedEntry(
        event_id=envelope.id,
        type=envelope.type,
        source=envelope.source,
        subject=envelope.subject,
        time=envelope.time,
        dataschema=envelope.dataschema,
        sequence=envelope.sequence,
        correlation_id=envelope.correlationid,
        data=envelope.data,
    )
