"""Endpoint use cases: an agency's (or integrator's) key creates, changes and rotates its own; and the check of
where a webhook may go, resolving the URL's host as it is now."""

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import dns.asyncresolver
import dns.exception
import httpx

from services.notifications.endpoints import domain, store
from services.notifications.endpoints.domain import (
    Endpoint,
    Filters,
    ForbiddenTarget,
    NoOwner,
    Owner,
    OwnerKind,
    Target,
    TargetPolicy,
    UrlParts,
)
from services.notifications.subscriptions import store as subscriptions
from services.notifications.subscriptions.handlers import known_types
from shared.errors import Forbidden
from shared.http.api_keys import Caller
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""host, port -> the addresses it resolves to."""
CACHED_NAMES = 4096


class NameNotResolved(OSError):
    """The name has no address, or none came within the time limit."""


class NameResolver:
    """DNS over the event loop's own sockets (dnspython's asyncio resolver): no thread of the loop's small default
    pool, which the database and Kafka clients share, is ever held by a slow name server; each name gets a time
    limit, concurrent look-ups of one name share one query, and answers are kept for their TTL, at most
    `cache_seconds`."""

    def __init__(
        self, *, timeout_seconds: float, cache_seconds: float, nameservers: list[str] | None = None, port: int = 53
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self.cache_seconds = cache_seconds
        self._resolver = dns.asyncresolver.Resolver(configure=nameservers is None)
        if nameservers is not None:
            self._resolver.nameservers = nameservers
            self._resolver.port = port
        self._kept: dict[str, tuple[float, list[str]]] = {}
        self._asking: dict[str, asyncio.Future[list[str]]] = {}

    async def __call__(self, host: str, port: int) -> list[str]:
        now = asyncio.get_running_loop().time()
        kept = self._kept.get(host)
        if kept is not None and kept[0] > now:
            return kept[1]
        asking = self._asking.get(host)
        if asking is None:
            asking = self._asking[host] = asyncio.ensure_future(self._look_up(host))
            asking.add_done_callback(lambda _: self._asking.pop(host, None))
        return await asyncio.shield(asking)  # one caller giving up leaves the query to the others

    async def _look_up(self, host: str) -> list[str]:
        try:
            async with asyncio.timeout(self.timeout_seconds):
                answers = await asyncio.gather(*(self._query(host, kind) for kind in ("A", "AAAA")))
        except (TimeoutError, dns.exception.DNSException):
            raise NameNotResolved(f"no address within {self.timeout_seconds}s") from None
        addresses = [address for found, _ in answers for address in found]
        if not addresses:
            raise NameNotResolved("no address")
        ttl = min([self.cache_seconds, *(ttl for found, ttl in answers if found)])
        if len(self._kept) >= CACHED_NAMES:
            self._kept.pop(next(iter(self._kept)))
        self._kept[host] = (asyncio.get_running_loop().time() + ttl, addresses)
        return addresses

    async def _query(self, host: str, kind: str) -> tuple[list[str], float]:
        answer = await self._resolver.resolve(host, kind, raise_on_no_answer=False, lifetime=self.timeout_seconds)
        if answer.rrset is None:
            return [], self.cache_seconds
        return [record.to_text() for record in answer.rrset], float(answer.rrset.ttl)


@dataclass(frozen=True)
class Targets:
    """Where webhooks may go: the policy, and the resolver that says where a host goes now."""

    policy: TargetPolicy
    resolve: Resolver


def url_parts(url: str, *, field: str = "url") -> UrlParts:
    """The URL as the sender's own parser (httpx) reads it, the host in ASCII: what it refuses, or a host IDNA
    cannot encode, is refused here, when the endpoint is made or changed, instead of failing every send."""
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
        _ = parsed.host  # decodes each `xn--` label: one that is not valid punycode is refused too
    except (httpx.InvalidURL, ValueError):  # IDNA's errors are UnicodeErrors, ValueErrors
        raise ForbiddenTarget("The URL is malformed, or its host is not a valid name.", field=field) from None
    return UrlParts(scheme=parsed.scheme, host=host, port=parsed.port, has_credentials=bool(parsed.userinfo))


async def checked(url: str, policy: TargetPolicy, resolve: Resolver, *, field: str = "url") -> Target:
    """The target of `url`, pinned to an address it resolves to; ForbiddenTarget when any is refused."""
    parts = url_parts(url, field=field)
    host, port = domain.check_parts(parts, policy, field=field)
    literal = domain.literal_address(host)
    if literal is not None:
        resolved: list[domain.Address] = [literal]
    else:
        try:
            resolved = [ipaddress.ip_address(a.split("%")[0]) for a in await resolve(host, port)]
        except OSError:
            raise ForbiddenTarget("The URL's host does not resolve.", field=field) from None
    return domain.pinned_target(url, parts.scheme, host, port, resolved, policy, field=field)


class ReachesNothing(Forbidden):
    """A key that is neither platform staff's nor an agency's or an integrator's reaches no endpoint at all."""


def owner_of(caller: Caller) -> Owner | None:
    """The agency or integrator a key belongs to; None for platform staff (who reach every endpoint); any other
    key (a facility's, a misspelt attribute's) reaches nothing."""
    if caller.agency_id is not None:
        return Owner(OwnerKind.AGENCY, caller.agency_id)
    if integrator := caller.attributes.get("integrator_id"):
        return Owner(OwnerKind.INTEGRATOR, integrator)
    if caller.staff:
        return None
    raise ReachesNothing("This key is neither platform staff's nor an agency's or an integrator's.")


def required_owner(caller: Caller) -> Owner:
    owner = owner_of(caller)
    if owner is None:
        raise NoOwner("An endpoint belongs to an agency's or an integrator's key; this key has neither.")
    return owner


async def _check_types(database: ServiceDatabase, owner: Owner, event_types: list[str]) -> None:
    subscribed = None
    if owner.kind is OwnerKind.AGENCY:
        subscribed = await database.read(lambda tx: subscriptions.subscription(tx, owner.id))
    known = known_types()
    domain.check_types(event_types, domain.allowed_types(owner, subscribed, known), known)


async def create_endpoint(
    database: ServiceDatabase,
    targets: Targets,
    *,
    caller: Caller,
    url: str,
    event_types: list[str],
    **rest: Any,
) -> Endpoint:
    """A new endpoint with a new secret; its URL must reach a public address, its types be granted."""
    owner = required_owner(caller)
    await checked(url, targets.policy, targets.resolve)
    await _check_types(database, owner, event_types)
    made = domain.create_endpoint(owner=owner, url=url, event_types=event_types, now=datetime.now(UTC), **rest)

    async def work(tx: Transaction) -> None:
        await store.save_endpoint(tx, made)

    await database.transaction(work)
    return made


async def endpoint(database: ServiceDatabase, endpoint_id: str, *, caller: Caller) -> Endpoint:
    return await database.read(lambda tx: store.endpoint(tx, endpoint_id, owner=owner_of(caller)))


async def endpoints_page(
    database: ServiceDatabase, *, caller: Caller, after: str | None, limit: int
) -> pages.Listing[Endpoint]:
    return await store.endpoints_page(database, owner=owner_of(caller), after=after, limit=limit)


async def change_endpoint(
    database: ServiceDatabase, targets: Targets, endpoint_id: str, *, caller: Caller, changes: dict[str, Any]
) -> tuple[Endpoint, int]:
    """The endpoint changed as asked, and how many deliveries it missed while disabled (to recover)."""
    found = await endpoint(database, endpoint_id, caller=caller)
    if "url" in changes:
        await checked(changes["url"], targets.policy, targets.resolve)
    if "event_types" in changes:
        await _check_types(database, found.owner, changes["event_types"])
        changes["event_types"] = frozenset(changes["event_types"])
    if "filters" in changes:
        changes["filters"] = Filters(**{name: frozenset(v) for name, v in changes["filters"].items()})
    now = datetime.now(UTC)

    async def work(tx: Transaction) -> tuple[Endpoint, int]:
        current = await store.endpoint(tx, endpoint_id, owner=found.owner)
        changed = replace(current, **{name: value for name, value in changes.items() if name != "enabled"})
        if changes.get("enabled") is True and not current.enabled:
            changed = domain.enabled(changed, now=now)
        elif changes.get("enabled") is False and current.enabled:
            changed = domain.disabled(changed, reason="Disabled by its owner.", now=now)
        else:
            changed = replace(changed, version=current.version + 1, updated_at=now)
        await store.save_endpoint(tx, changed)
        return changed, await store.missed_deliveries(tx, endpoint_id)

    return await database.transaction(work)


async def rotate_secret(database: ServiceDatabase, endpoint_id: str, *, caller: Caller, overlap: timedelta) -> Endpoint:
    """A new secret; the one before keeps signing for `overlap`."""

    async def work(tx: Transaction) -> Endpoint:
        current = await store.endpoint(tx, endpoint_id, owner=owner_of(caller))
        changed = domain.rotated(current, now=datetime.now(UTC), overlap=overlap)
        await store.save_endpoint(tx, changed)
        return changed

    return await database.transaction(work)
