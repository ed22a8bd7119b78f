"""Subscriptions: which event types platform staff let an agency (or an integrator) read and receive; pure, no
I/O.

A subscription names event types exactly or by prefix (`production.*`; `*` is every type). Programme-bound events
reach an agency only for its own programmes unless its subscription covers all programmes (the directorate's).
Integrators may receive the public marketplace events and nothing else.
"""

from dataclasses import dataclass

from shared.errors import InvalidInput

EVERY_TYPE = "*"
PUBLIC_TYPES = frozenset(
    {
        "marketplace.listing.published",
        "marketplace.listing.updated",
        "marketplace.listing.withdrawn",
        "marketplace.listing.sold_out",
    }
)
"""What an integrator (an e-catalogue, a cooperative's shop) may subscribe to: the public catalogue."""
CUSTODY_TYPES = frozenset({"enrolment.participant.released", "enrolment.participant.transferred"})
"""Never granted to an agency, whatever its subscription says (`*`, `enrolment.*`): they carry custody dates and
facilities of people in its programmes, which docs/roles.md keeps from agencies. Only platform staff read them."""


class CustodyType(InvalidInput):
    """A subscription may not name a custody event: agencies never learn release or transfer dates."""


class UnknownEventType(InvalidInput):
    """A subscription or an endpoint names event types the platform publishes, or prefixes of some."""


@dataclass(frozen=True)
class Subscription:
    """The event types platform staff granted an agency: what it may read from the feed and receive, and
    whether beyond its own programmes."""

    agency_id: str
    event_types: frozenset[str]
    all_programmes: bool = False

    def allows(self, event_type: str) -> bool:
        if event_type in CUSTODY_TYPES:
            return False
        return any(matches(pattern, event_type) for pattern in self.event_types)

    def granted(self, known: frozenset[str]) -> frozenset[str]:
        """The known types this subscription lets an agency read and receive (never a custody type)."""
        return expand(self.event_types, known) - CUSTODY_TYPES


def matches(pattern: str, event_type: str) -> bool:
    """`production.*` matches every production type; anything else matches itself exactly."""
    if pattern == EVERY_TYPE:
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


def expand(patterns: frozenset[str] | list[str], known: frozenset[str]) -> frozenset[str]:
    """The known types that some pattern matches."""
    return frozenset(event_type for event_type in known if any(matches(p, event_type) for p in patterns))


def check_patterns(patterns: list[str], known: frozenset[str], *, field: str = "event_types") -> None:
    """Every pattern is a known type or a prefix of at least one."""
    if unknown := sorted(pattern for pattern in set(patterns) if not expand([pattern], known)):
        raise UnknownEventType(f"Unknown event type(s): {', '.join(unknown)}.", field=field)


def subscribe(
    agency_id: str, event_types: list[str], *, known: frozenset[str], all_programmes: bool = False
) -> Subscription:
    check_patterns(event_types, known)
    if named := sorted(CUSTODY_TYPES & set(event_types)):
        raise CustodyType(f"Never granted to an agency: {', '.join(named)}.", field="event_types")
    return Subscription(agency_id, frozenset(event_types), all_programmes)


def visible_types(
    requested: list[str], subscription: Subscription | None, *, known: frozenset[str] | None = None
) -> list[str] | None:
    """The types a feed read returns: all requested (None: every type) without a subscription to apply, else
    the requested ones the subscription allows (all it allows when none is requested)."""
    if subscription is None:
        return requested or None
    allowed = subscription.granted(known) if known is not None else subscription.event_types - CUSTODY_TYPES
    wanted = set(requested) if requested else allowed
    return sorted(wanted & allowed)
