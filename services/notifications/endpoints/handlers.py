"""Endpoint use cases: an agency's (or integrator's) key creates, changes, rotates and test-sends its own."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from services.notifications.deliveries import webhooks
from services.notifications.deliveries.domain import Answer, State
from services.notifications.deliveries.store import DELIVERIES
from services.notifications.endpoints import addresses, domain, store
from services.notifications.endpoints.domain import Endpoint, Filters, NoOwner, Owner, OwnerKind
from services.notifications.subscriptions import store as subscriptions
from services.notifications.subscriptions.handlers import known_types
from shared.http import idempotency
from shared.http.api_keys import Caller
from shared.messaging.envelope import Envelope, new_event_id
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction

TEST_EVENT_TYPE = "notifications.endpoint.tested"


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
    courier: webhooks.Courier,
    *,
    caller: Caller,
    url: str,
    event_types: list[str],
    **rest: Any,
) -> Endpoint:
    """A new endpoint with a new secret; its URL must reach a public address, its types be granted."""
    owner = required_owner(caller)
    await addresses.checked(url, courier.policy, courier.resolve)
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
    database: ServiceDatabase, courier: webhooks.Courier, endpoint_id: str, *, caller: Caller, changes: dict[str, Any]
) -> tuple[Endpoint, int]:
    """The endpoint changed as asked, and how many deliveries it missed while disabled (to recover)."""
    found = await endpoint(database, endpoint_id, caller=caller)
    if "url" in changes:
        await addresses.checked(changes["url"], courier.policy, courier.resolve)
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
        missed = await tx.db[DELIVERIES].count_documents(
            {"endpoint_id": endpoint_id, "state": State.MISSED.value}, session=tx.session
        )
        return changed, missed

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


def sample_event(endpoint: Endpoint, now: datetime) -> Envelope:
    return Envelope(
        id=new_event_id(),
        source="/services/notifications",
        specversion="1.0",
        type=TEST_EVENT_TYPE,
        time=now,
        subject=endpoint.id,
        dataschema=f"urn:pembinaan:event:{TEST_EVENT_TYPE}:v1",
        sequence=1,
        data={"endpoint_id": endpoint.id, "note": "A test send: a sample event, signed like every other."},
    )


async def test_send(
    database: ServiceDatabase, courier: webhooks.Courier, endpoint_id: str, *, caller: Caller
) -> Answer:
    """A sample event sent at once (whether the endpoint is enabled or not), and the receiver's answer."""
    found = await endpoint(database, endpoint_id, caller=caller)
    now = datetime.now(UTC)
    sample = sample_event(found, now)
    secrets = found.signing_secrets(now)
    return await webhooks.post(
        courier, url=found.url, message_id=sample.id, body=sample.model_dump_json(), secrets=secrets
    )
