"""The endpoints collection: one versioned document per endpoint, listed in commit order."""

from datetime import datetime

from pymongo import ASCENDING, IndexModel

from services.notifications.endpoints.domain import Endpoint, EndpointNotFound, Filters, Owner, OwnerKind, Secret
from shared.storage import pages
from shared.storage.database import Document, ServiceDatabase, Transaction

ENDPOINTS = "endpoints"
LISTED = {ENDPOINTS: "created_at"}
DELIVERIES = "deliveries"
"""The deliveries' collection (services.notifications.deliveries.store), counted here: deliveries build on
endpoints, and so endpoints never import them."""
MISSED = "missed"
"""A delivery's state while the endpoint was disabled when its event came (deliveries.domain.State.MISSED)."""

INDEXES = {
    ENDPOINTS: [
        pages.index_in_order("by_owner", "owner_kind", "owner_id"),
        pages.index_in_order("in_order"),
        IndexModel([("enabled", ASCENDING)], name="enabled"),
    ]
}


def to_document(endpoint: Endpoint) -> Document:
    return {
        "_id": endpoint.id,
        "owner_kind": endpoint.owner.kind.value,
        "owner_id": endpoint.owner.id,
        "url": endpoint.url,
        "event_types": sorted(endpoint.event_types),
        "filters": {name: sorted(getattr(endpoint.filters, name)) for name in Filters.__dataclass_fields__},
        "description": endpoint.description,
        "enabled": endpoint.enabled,
        "max_concurrency": endpoint.max_concurrency,
        "rate_limit_per_second": endpoint.rate_limit_per_second,
        "secrets": [{"value": s.value, "expires_at": s.expires_at} for s in endpoint.secrets],
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
        "disabled_reason": endpoint.disabled_reason,
        "disabled_at": endpoint.disabled_at,
        "failing_since": endpoint.failing_since,
        "version": endpoint.version,
    }


def from_document(document: Document) -> Endpoint:
    return Endpoint(
        id=document["_id"],
        owner=Owner(OwnerKind(document["owner_kind"]), document["owner_id"]),
        url=document["url"],
        event_types=frozenset(document["event_types"]),
        filters=Filters(**{name: frozenset(values) for name, values in document["filters"].items()}),
        description=document["description"],
        enabled=document["enabled"],
        max_concurrency=document["max_concurrency"],
        rate_limit_per_second=document["rate_limit_per_second"],
        secrets=tuple(Secret(s["value"], s["expires_at"]) for s in document["secrets"]),
        created_at=document["created_at"],
        version=document["version"],
        disabled_reason=document["disabled_reason"],
        disabled_at=document["disabled_at"],
        failing_since=document["failing_since"],
        updated_at=document.get("updated_at"),
    )


async def save_endpoint(tx: Transaction, endpoint: Endpoint) -> None:
    await tx.save_versioned(ENDPOINTS, to_document(endpoint), listed=True)


def reach(owner: Owner | None) -> Document:
    """What a caller may see: its own endpoints; platform staff (no owner) see all."""
    return {} if owner is None else {"owner_kind": owner.kind.value, "owner_id": owner.id}


async def endpoint(tx: Transaction, endpoint_id: str, *, owner: Owner | None) -> Endpoint:
    document = await tx.document(ENDPOINTS, {"_id": endpoint_id, **reach(owner)})
    if document is None:
        raise EndpointNotFound(f"No endpoint {endpoint_id}.", field="endpoint_id")
    return from_document(document)


async def all_endpoints(tx: Transaction) -> list[Endpoint]:
    """Every endpoint; few enough (hundreds) to read whole for a run of events or a round of sends."""
    return [from_document(d) for d in await tx.db[ENDPOINTS].find({}, session=tx.session).to_list()]


async def endpoints_page(
    database: ServiceDatabase, *, owner: Owner | None, after: str | None, limit: int
) -> pages.Listing[Endpoint]:
    return await pages.page(database.db[ENDPOINTS], reach(owner), from_document, after=after, limit=limit)


async def missed_deliveries(tx: Transaction, endpoint_id: str) -> int:
    """How many deliveries the endpoint missed while it was disabled (POST .../recoveries sends them)."""
    return await tx.db[DELIVERIES].count_documents({"endpoint_id": endpoint_id, "state": MISSED}, session=tx.session)


async def mark_failing(database: ServiceDatabase, endpoint_id: str, since: datetime) -> None:
    """The first failure of a run of them starts the endpoint's failing period (a later one keeps it)."""
    await database.db[ENDPOINTS].update_one(
        {"_id": endpoint_id, "failing_since": None}, {"$set": {"failing_since": since}}
    )


async def mark_succeeding(database: ServiceDatabase, endpoint_id: str) -> None:
    await database.db[ENDPOINTS].update_one(
        {"_id": endpoint_id, "failing_since": {"$ne": None}}, {"$set": {"failing_since": None}}
    )


async def disable(database: ServiceDatabase, endpoint_id: str, *, reason: str, now: datetime) -> bool:
    """Disable an enabled endpoint; False when it already was."""
    result = await database.db[ENDPOINTS].update_one(
        {"_id": endpoint_id, "enabled": True},
        {"$set": {"enabled": False, "disabled_reason": reason, "disabled_at": now}, "$inc": {"version": 1}},
    )
    return result.modified_count == 1
