"""The platform's event feed (every published event, once, in the order received) and the agencies'
subscriptions that decide which of it each agency sees; pure, no I/O."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.errors import InvalidInput
from shared.events import Envelope


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


def feed_entry(envelope: Envelope) -> FeedEntry:
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


class UnknownEventType(InvalidInput):
    """A subscription names event types the platform publishes."""


@dataclass(frozen=True)
class Subscription:
    """The event types an agency has subscribed to: the only ones its keys read from the feed."""

    agency_id: str
    event_types: frozenset[str]


def subscribe(agency_id: str, event_types: list[str], *, known: frozenset[str]) -> Subscription:
    if unknown := sorted(set(event_types) - known):
        raise UnknownEventType(f"Unknown event type(s): {', '.join(unknown)}.", field="event_types")
    return Subscription(agency_id, frozenset(event_types))


def visible_types(requested: list[str], subscription: Subscription | None) -> list[str] | None:
    """The types a feed read returns: all requested (None: every type) without a subscription to apply,
    else the requested ones the agency subscribed to (all of them when none is requested)."""
    if subscription is None:
        return requested or None
    wanted = set(requested) if requested else subscription.event_types
    return sorted(wanted & subscription.event_types)
