"""Endpoint use cases: an agency's (or integrator's) key creates, changes and rotates its own; and the check of
where a webhook may go, resolving the URL's host as it is now."""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from services.notifications.endpoints import domain, store
from services.notifications.endpoints.domain import (
    DEFAULT_PORTS,
    Endpoint,
    Filters,
    ForbiddenTarget,
    NoOwner,
    Owner,
    OwnerKind,
    Target,
    TargetPolicy,
)
from services.notifications.subscriptions import store as subscriptions
from services.notifications.subscriptions.handlers import known_types
from shared.http import idempotency
from shared.http.api_keys import Caller
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""host, port -> the addresses it resolves to."""


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class Targets:
    """Where webhooks may go: the policy, and the resolver that says where a host goes now."""

    policy: TargetPolicy
    resolve: Resolver


async def checked(url: str, policy: TargetPolicy, resolve: Resolver, *, field: str = "url") -> Target:
    """The target of `url`, pinned to an address it resolves to; ForbiddenTarget when any is refused."""
    parts = domain.parse(url, policy, field=field)
    host, port = parts.hostname or "", parts.port or DEFAULT_PORTS[parts.scheme]
    try:
        resolved: list[domain.Address] = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            resolved = [ipaddress.ip_address(a.split("%")[0]) for a in await resolve(host, port)]
        except OSError:
            raise ForbiddenTarget("The URL's host does not resolve.", field=field) from None
    return domain.pinned_target(url, parts, resolved, policy, field=field)


def owner_of(caller: Caller) -> Owner | None:
    """The agency or integrator a key belongs to; platform staff's keys belong to neither."""
    if caller.agency_id is not None:
        return Owner(OwnerKind.AGENCY, caller.agency_id)
    if integrator := caller.attributes.get("integrator_id"):
        return Owner(OwnerKind.INTEGRATOR, integrator)
    return None


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
        await idempotency.claim_in(tx)  # no event records this command, so it claims the key itself

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
        await idempotency.claim_in(tx)
        return changed

    return await database.transaction(work)
