"""Webhook endpoints an agency (or an integrator) manages with its own key, and what each receives; pure.

An endpoint receives an event when its owner may (the agency's grant, its own programmes unless the grant
covers all; an integrator the public catalogue only), when one of its types or prefixes names it, and when
the event passes its filters (programme, facility, commodity: each, when given, must meet the event's).

Where a webhook may go (server-side request forgery is refused at creation and at every send): a target is
http(s) on an allowed port; every address its host resolves to must be public (not private, loopback,
link-local, multicast, reserved, a cloud metadata address, nor such an address wrapped in an IPv6 form:
IPv4-mapped, NAT64, 6to4, Teredo) unless configuration allows its network (the tests allow loopback). The
address checked is the one connected to: the sender pins it.
"""

import base64
import functools
import ipaddress
import re
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
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_PORTS = {"http": 80, "https": 443}
METADATA = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "100.100.100.200", "fd00:ec2::254"))
NAT64 = ipaddress.ip_network("64:ff9b::/96")
SITE_LOCAL = ipaddress.ip_network("fec0::/10")
"""Deprecated (RFC 3879) but still routed inside some networks; `is_global` does not exclude it."""
LABEL = r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
HOST_NAME = re.compile(rf"(?=.{{1,253}}$)({LABEL}\.)*{LABEL}\.?", re.ASCII)
"""A DNS name in ASCII: labels of 1 to 63 letters, digits, hyphens (not at either end) or underscores."""


class OwnerKind(StrEnum):
    AGENCY = "agency"
    INTEGRATOR = "integrator"


class EndpointNotFound(NotFound):
    """No endpoint of the caller's has this id (another agency's answers the same)."""


class NoOwner(Forbidden):
    """Endpoints belong to an agency's key (`agency_id`) or an integrator's (`integrator_id`)."""


class TypeOutsideGrant(InvalidInput):
    """An endpoint names only types its owner may receive."""


class ForbiddenTarget(InvalidInput):
    """A webhook URL is http(s), on an allowed port, and reaches only public addresses."""


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
    return subscription.granted(known) if subscription is not None else frozenset()


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
    return granted(endpoint.owner, event_type, subscription, bound=scope.bound, agency_ids=scope.agency_ids)


def granted(
    owner: Owner, event_type: str, subscription: Subscription | None, *, bound: bool, agency_ids: frozenset[str]
) -> bool:
    """Whether the owner's grant (as it stands) covers the event: an integrator the public catalogue; an agency
    the types of its subscription, for its own programmes unless the subscription covers all of them."""
    if owner.kind is OwnerKind.INTEGRATOR:
        return event_type in PUBLIC_TYPES
    if subscription is None or not subscription.allows(event_type):
        return False
    return subscription.all_programmes or not bound or owner.id in agency_ids


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


@dataclass(frozen=True)
class TargetPolicy:
    allowed_networks: tuple[Network, ...] = ()
    allowed_ports: frozenset[int] = frozenset({80, 443})
    any_port: bool = False

    @classmethod
    def of(cls, networks: list[str], ports: list[int], *, any_port: bool = False) -> "TargetPolicy":
        parsed = tuple(ipaddress.ip_network(network, strict=False) for network in networks)
        return cls(parsed, frozenset(ports), any_port)


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to for it."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


@dataclass(frozen=True)
class UrlParts:
    """A URL as the sender's parser read it: the host in its ASCII (IDNA) form, the port when given."""

    scheme: str
    host: str
    port: int | None
    has_credentials: bool


def check_parts(parts: UrlParts, policy: TargetPolicy, *, field: str = "url") -> tuple[str, int]:
    """The host and port of an absolute http(s) URL without credentials, on an allowed port, whose host is an
    address or a name DNS can carry."""
    if parts.scheme not in DEFAULT_PORTS or not parts.host:
        raise ForbiddenTarget("A webhook URL is an absolute http or https URL.", field=field)
    if parts.has_credentials:
        raise ForbiddenTarget("A webhook URL carries no credentials; the signature authenticates it.", field=field)
    if literal_address(parts.host) is None and not HOST_NAME.fullmatch(parts.host):
        raise ForbiddenTarget("The URL's host is not a valid host name.", field=field)
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    if not policy.any_port and port not in policy.allowed_ports:
        allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
        raise ForbiddenTarget(f"Port {port} is not allowed; allowed: {allowed}.", field=field)
    return parts.host, port


def literal_address(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def embedded(address: Address) -> list[Address]:
    """The address and any IPv4 address an IPv6 form carries."""
    found: list[Address] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        inner = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if address in NAT64:
            inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        found += [each for each in inner if each is not None]
    return found


@functools.lru_cache(maxsize=4096)
def forbidden(address: Address, policy: TargetPolicy) -> bool:
    """Kept per address and policy: every send checks again, and the answer never changes."""
    if any(address in network for network in policy.allowed_networks):
        return False
    return any(
        each in METADATA
        or not each.is_global
        or each.is_multicast
        or each.is_reserved
        or each.is_unspecified
        or each in SITE_LOCAL
        for each in embedded(address)
    )


def pinned_target(
    url: str, scheme: str, host: str, port: int, resolved: list[Address], policy: TargetPolicy, *, field: str
) -> Target:
    """The target of a checked URL, pinned to the first address its host resolved to; ForbiddenTarget when it
    resolved to none, or when any address is refused."""
    if not resolved:
        raise ForbiddenTarget("The URL's host does not resolve.", field=field)
    if any(forbidden(address, policy) for address in resolved):
        raise ForbiddenTarget("The URL reaches a private, loopback, link-local or metadata address.", field=field)
    return Target(url=url, scheme=scheme, host=host, port=port, address=str(resolved[0]))
