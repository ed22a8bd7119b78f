"""Delivery use cases: fan each event out to the endpoints that receive it (in the transaction that handles
the event), replay and recover, and read the log (the couriers, services.notifications.couriers, send them and
record what they got)."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from services.notifications.deliveries import domain, store
from services.notifications.deliveries.domain import Delivery, State
from services.notifications.endpoints import store as endpoints
from services.notifications.endpoints.domain import Owner, receives
from services.notifications.links.domain import Scope
from services.notifications.subscriptions import store as subscriptions
from shared.messaging.envelope import Envelope
from shared.storage import pages
from shared.storage.database import Document, ServiceDatabase, Transaction


def owned_by(owner: Owner | None) -> Document:
    return {} if owner is None else {"owner_id": owner.id, "owner_kind": owner.kind.value}


async def fan_out(tx: Transaction, scoped: Sequence[tuple[Envelope, Scope]]) -> None:
    """A delivery per event and endpoint that receives it; a disabled endpoint's are kept as missed."""
    endpoint_list = await endpoints.all_endpoints(tx)
    if not endpoint_list:
        return
    subscribed = await subscriptions.all_subscriptions(tx)
    now = datetime.now(UTC)
    bodies = {envelope.id: envelope.model_dump_json() for envelope, _ in scoped}  # once per event, not per endpoint
    made = [
        domain.new_delivery(
            endpoint_id=endpoint.id,
            owner_kind=endpoint.owner.kind.value,
            owner_id=endpoint.owner.id,
            event_id=envelope.id,
            event_type=envelope.type,
            subject=envelope.subject,
            sequence=envelope.sequence,
            body=bodies[envelope.id],
            now=now,
            missed=not endpoint.enabled,
            bound=scope.bound,
            agency_ids=scope.agency_ids,
        )
        for envelope, scope in scoped
        for endpoint in endpoint_list
        if receives(endpoint, envelope.type, scope, subscribed.get(endpoint.owner.id))
    ]
    await store.add(tx, domain.holding(made, await store.pending_pairs(tx, made)))


async def requeued(tx: Transaction, chosen: list[Delivery]) -> int:
    """Send these again from the start of the schedule, each aggregate's in order (a retried request with the
    same Idempotency-Key sends nothing again)."""
    again = [replace(delivery, state=State.PENDING) for delivery in chosen]
    await store.requeue(tx, domain.holding(again, await store.pending_pairs(tx, again)), datetime.now(UTC))
    return len(again)


async def replay(database: ServiceDatabase, delivery_id: str, *, owner: Owner | None) -> Delivery:
    async def work(tx: Transaction) -> Delivery:
        found, _ = await store.delivery(tx, delivery_id, owner=owned_by(owner))
        if found.state is not State.PENDING:
            await requeued(tx, [found])
        again, _ = await store.delivery(tx, delivery_id, owner=owned_by(owner))
        return again

    return await database.transaction(work)


async def replay_since(
    database: ServiceDatabase, endpoint_id: str, *, owner: Owner | None, since: datetime, only_undelivered: bool
) -> int:
    """Every delivery of the endpoint since a time, or only those never delivered (failed or missed)."""
    states = [State.FAILED, State.MISSED] if only_undelivered else [State.FAILED, State.MISSED, State.DELIVERED]

    async def work(tx: Transaction) -> int:
        await endpoints.endpoint(tx, endpoint_id, owner=owner)
        query = {"state": {"$in": [s.value for s in states]}, "created_at": {"$gte": since}}
        return await requeued(tx, await store.deliveries_of(tx, endpoint_id, query))

    return await database.transaction(work)


async def recover(database: ServiceDatabase, endpoint_id: str, *, owner: Owner | None) -> int:
    """What the endpoint missed while disabled, sent now."""

    async def work(tx: Transaction) -> int:
        await endpoints.endpoint(tx, endpoint_id, owner=owner)
        return await requeued(tx, await store.deliveries_of(tx, endpoint_id, {"state": State.MISSED.value}))

    return await database.transaction(work)


async def deliveries_page(
    database: ServiceDatabase,
    endpoint_id: str,
    *,
    owner: Owner | None,
    state: State | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Delivery]:
    await database.read(lambda tx: endpoints.endpoint(tx, endpoint_id, owner=owner))
    return await store.deliveries_page(database, endpoint_id=endpoint_id, state=state, after=after, limit=limit)


async def delivery_with_attempts(
    database: ServiceDatabase, delivery_id: str, *, owner: Owner | None
) -> tuple[Delivery, list[Document]]:
    return await database.read(lambda tx: store.delivery(tx, delivery_id, owner=owned_by(owner)))


async def endpoint_log(
    database: ServiceDatabase, endpoint_id: str, *, owner: Owner | None, limit: int
) -> list[Document]:
    await database.read(lambda tx: endpoints.endpoint(tx, endpoint_id, owner=owner))
    return await store.endpoint_log(database, endpoint_id, limit=limit)
