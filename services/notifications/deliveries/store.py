"""Deliveries (`deliveries`, listed in commit order), each with its latest attempts (the delivery log); the
couriers' claims and records of them are in services.notifications.couriers.store."""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from services.notifications.deliveries.domain import Delivery, DeliveryNotFound, State
from shared.storage import pages
from shared.storage.database import POSITION, Document, ServiceDatabase, Transaction

DELIVERIES = "deliveries"
LISTED = {DELIVERIES: "created_at"}
NEVER = datetime(1970, 1, 1, tzinfo=UTC)

INDEXES = {
    DELIVERIES: [
        IndexModel(  # answers which endpoints have due deliveries from the index alone
            [(name, ASCENDING) for name in ("state", "held", "next_attempt_at", "lease_until", "endpoint_id")],
            name="due_covered",
        ),
        IndexModel(  # answers each endpoint's `due` from the index alone, without reading the deliveries
            [(name, ASCENDING) for name in ("state", "held", "endpoint_id", "next_attempt_at", "lease_until")],
            name="due_by_endpoint",
        ),
        IndexModel(
            [("endpoint_id", ASCENDING), ("subject", ASCENDING), ("state", ASCENDING), ("sequence", ASCENDING)],
            name="aggregate_order",
        ),
        pages.index_in_order("by_endpoint", "endpoint_id"),
        pages.index_in_order("by_endpoint_state", "endpoint_id", "state"),
        IndexModel([("endpoint_id", ASCENDING), ("last_attempt_at", DESCENDING)], name="endpoint_log"),
    ],
}
FIELDS = [name for name in Delivery.__dataclass_fields__ if name != "id"]


def to_document(delivery: Delivery) -> Document:
    fields = asdict(delivery) | {"agency_ids": sorted(delivery.agency_ids)}
    return {"_id": fields.pop("id"), **fields, "state": delivery.state.value, "lease_owner": None, "lease_until": NEVER}


def from_document(document: Document) -> Delivery:
    values: dict[str, Any] = {name: document.get(name) for name in FIELDS}
    values.update(
        state=State(document["state"]),
        held=bool(values["held"]),
        bound=bool(values["bound"]),
        agency_ids=frozenset(values["agency_ids"] or ()),
    )
    return Delivery(id=document["_id"], **values)


async def pending_pairs(tx: Transaction, deliveries: Sequence[Delivery]) -> set[tuple[str, str]]:
    """Endpoint and aggregate pairs among `deliveries` that already have a pending delivery stored."""
    if not deliveries:
        return set()
    query = {
        "state": State.PENDING.value,
        "endpoint_id": {"$in": sorted({d.endpoint_id for d in deliveries})},
        "subject": {"$in": sorted({d.subject for d in deliveries})},
        "_id": {"$nin": [d.id for d in deliveries]},
    }
    found = tx.db[DELIVERIES].find(query, projection=["endpoint_id", "subject"], session=tx.session)
    return {(document["endpoint_id"], document["subject"]) async for document in found}


async def add(tx: Transaction, deliveries: Sequence[Delivery]) -> None:
    """New deliveries, at the next positions of the listing, with one bulk write."""
    if not deliveries:
        return
    positions = await tx.take_positions(DELIVERIES, len(deliveries))
    documents = [{**to_document(delivery), POSITION: at} for at, delivery in zip(positions, deliveries, strict=True)]
    await tx.db[DELIVERIES].insert_many(documents, session=tx.session)


async def requeue(tx: Transaction, deliveries: Sequence[Delivery], now: datetime) -> None:
    """Deliveries sent again from the start of the schedule (replays, recoveries)."""
    for delivery in deliveries:
        fields = {"state": State.PENDING.value, "held": delivery.held, "attempts": 0, "next_attempt_at": now}
        await tx.db[DELIVERIES].update_one(
            {"_id": delivery.id}, {"$set": {**fields, "lease_owner": None, "lease_until": NEVER}}, session=tx.session
        )


async def delivery(tx: Transaction, delivery_id: str, *, owner: Document) -> tuple[Delivery, list[Document]]:
    """A delivery and its attempts, oldest first."""
    document = await tx.document(DELIVERIES, {"_id": delivery_id, **owner})
    if document is None:
        raise DeliveryNotFound(f"No delivery {delivery_id}.", field="delivery_id")
    return from_document(document), _attempts_of(document)


def _attempts_of(document: Document) -> list[Document]:
    ids = {"delivery_id": document["_id"], "event_id": document["event_id"]}
    return [{**attempt, **ids} for attempt in document.get("attempt_log", [])]


async def deliveries_of(tx: Transaction, endpoint_id: str, query: Document) -> list[Delivery]:
    found = tx.db[DELIVERIES].find({"endpoint_id": endpoint_id, **query}, sort=[("sequence", ASCENDING)])
    return [from_document(document) async for document in found]


async def deliveries_page(
    database: ServiceDatabase, *, endpoint_id: str, state: State | None, after: str | None, limit: int
) -> pages.Listing[Delivery]:
    query = pages.only(endpoint_id=endpoint_id, state=state.value if state else None)
    return await pages.page(database.db[DELIVERIES], query, from_document, after=after, limit=limit)


async def endpoint_log(database: ServiceDatabase, endpoint_id: str, *, limit: int) -> list[Document]:
    """The endpoint's latest attempts, newest first."""
    query = {"endpoint_id": endpoint_id, "last_attempt_at": {"$exists": True}}
    found = database.db[DELIVERIES].find(query, sort=[("last_attempt_at", DESCENDING)], limit=limit)
    log = [attempt async for document in found for attempt in _attempts_of(document)]
    return sorted(log, key=lambda attempt: attempt["at"], reverse=True)[:limit]
