"""Webhook endpoints an agency (or an integrator) manages with its own key, and what each receives; pure.

An endpoint receives an event when its owner may (the agency's grant, its own programmes unless the grant
covers all; an integrator the public catalogue only), when one of its types or prefixes names it, and when
the event passes its filters (programme, facility, commodity: each, when given, must meet the event's).
"""

import base64
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import uuid4

from services.notifications.links.domain import Scope
from services.notifications.subscriptions.domain import PUBLIC_TYPES, Subscription, check_patterns, expand, matches
from shared.errors import Forbidden, InvalidInput, NotFound

SECRET_PREFIX = "whsec_"
DEFAULT_OVERLAP = timedelta(hours=24)


class OwnerKind(StrEnum):
    AGENCY = "agency"
    INTEGRATOR = "integrator"


class EndpointNotFound(NotFound):
    """No endpoint of the caller's has this id (another agency's answers the same)."""


class NoOwner(Forbidden):
    """Endpoints belong to an agency's key (`agency_id`) or an integrator's (`integrator_id`)."""


class TypeOutsideGrant(InvalidInput):
    """An endpoint names only types its owner may receive."""


@dataclass(frozen=True)
class Owner:
    kind: OwnerKind
    id: str


@dataclass(frozen=True)
class Filters:
    programme_ids: frozenset[str] = frozenset()
    facility_ids: frozenset[str] = frozenset()
    commodities: frozenset[str] = frozenset()

    def admit(self, scope: Scope) -> bool:
        pairs = [
            (self.programme_ids, scope.programme_ids),
            (self.facility_ids, scope.facility_ids),
            (self.commodities, scope.commodities),
        ]
        return all(not wanted or wanted & concerned for wanted, concerned in pairs)


@dataclass(frozen=True)
class Secret:
    """A signing secret in the Standard Webhooks form; a rotated-out one signs until `expires_at`."""

    value: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Endpoint:
    id: str
    owner: Owner
    url: str
    event_types: frozenset[str]
    filters: Filters
    description: str
    enabled: bool
    max_concurrency: int
    rate_limit_per_second: float | None
    secrets: tuple[Secret, ...]
    created_at: datetime
    version: int
    disabled_reason: str | None = None
    disabled_at: datetime | None = None
    failing_since: datetime | None = None
    updated_at: datetime | None = field(default=None, compare=False)

    def signing_secrets(self, now: datetime) -> list[str]:
        return [s.value for s in self.secrets if s.expires_at is None or s.expires_at > now]


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def allowed_types(owner: Owner, subscription: Subscription | None, known: frozenset[str]) -> frozenset[str]:
    if owner.kind is OwnerKind.INTEGRATOR:
        return PUBLIC_TYPES & known
    return expand(subscription.event_types, known) if subscription is not None else frozenset()


def check_types(patterns: list[str], allowed: frozenset[str], known: frozenset[str]) -> None:
    """Each type is known and allowed; each prefix matches at least one allowed type."""
    check_patterns(patterns, known)
    outside = sorted(p for p in set(patterns) if not expand([p], known) & allowed or (p in known and p not in allowed))
    if outside:
        raise TypeOutsideGrant(f"Not granted to this key: {', '.join(outside)}.", field="event_types")


def receives(endpoint: Endpoint, event_type: str, scope: Scope, subscription: Subscription | None) -> bool:
    """Whether the endpoint gets this event (disabled ones too: what they miss is kept for recovery)."""
    if not any(matches(pattern, event_type) for pattern in endpoint.event_types):
        return False
    if not endpoint.filters.admit(scope):
        return False
    if endpoint.owner.kind is OwnerKind.INTEGRATOR:
        return event_type in PUBLIC_TYPES
    if subscription is None or not subscription.allows(event_type):
        return False
    return subscription.all_programmes or not scope.bound or endpoint.owner.id in scope.agency_ids


def create_endpoint(
    *,
    owner: Owner,
    url: str,
    event_types: list[str],
    filters: Filters,
    description: str,
    enabled: bool,
    max_concurrency: int,
    rate_limit_per_second: float | None,
    now: datetime,
) -> Endpoint:
    return Endpoint(
        id=str(uuid4()),
        owner=owner,
        url=url,
        event_types=frozenset(event_types),
        filters=filters,
        description=description,
        enabled=enabled,
        max_concurrency=max_concurrency,
        rate_limit_per_second=rate_limit_per_second,
        secrets=(Secret(new_secret()),),
        created_at=now,
        version=1,
        disabled_at=None if enabled else now,
    )


def rotated(endpoint: Endpoint, *, now: datetime, overlap: timedelta = DEFAULT_OVERLAP) -> Endpoint:
    """A new secret; the current one keeps signing for `overlap` (earlier rotated ones keep their ends)."""
    kept = tuple(
        Secret(s.value, s.expires_at if s.expires_at is not None else now + overlap)
        for s in endpoint.secrets
        if s.expires_at is None or s.expires_at > now
    )
    return replace(endpoint, secrets=(Secret(new_secret()), *kept), version=endpoint.version + 1, updated_at=now)


def disabled(endpoint: Endpoint, *, reason: str, now: datetime) -> Endpoint:
    return replace(
        endpoint, enabled=False, disabled_reason=reason, disabled_at=now, version=endpoint.version + 1, updated_at=now
    )


def enabled(endpoint: Endpoint, *, now: datetime) -> Endpoint:
    return replace(
        endpoint,
        enabled=True,
        disabled_reason=None,
        failing_since=None,
        version=endpoint.version + 1,
        updated_at=now,
    )
