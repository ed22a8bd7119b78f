"""Agencies' subscriptions: which event types of the feed each agency's keys see; pure, no I/O."""

from dataclasses import dataclass

from shared.errors import InvalidInput


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
