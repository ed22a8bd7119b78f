"""Deliveries (`deliveries`, listed in commit order), each with its latest attempts (the delivery log).

A replica claims due deliveries with a lease (`lease_owner`, `lease_until`): two replicas never send one
at the same time, and a replica that dies leaves its claims to be taken again once their lease runs out.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne

from services.notifications.deliveries.domain import Answer, Delivery, DeliveryNotFound, State
from shared.storage import pages
from shared.storage.database import POSITION, Document, ServiceDatabase, Transaction

DELIVERIES = "deliveries"
ATTEMPTS_KEPT = 50
"""Attempts kept in a delivery's log (the schedule makes eight; replays add more)."""
LISTED = {DELIVERIES: "created_at"}
NEVER = datetime(1970, 1, 1, tzinfo=UTC)

INDEXES = {
    DELIVERIES: [
        IndexModel(  # answers `due` from the index alone, without reading the deliveries
            [(name, ASCENDING) for name in ("state", "held", "next_attempt_at", "lease_until", "endpoint_id")],
            name="due_covered",
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
    fields = asdict(delivery)
    return {"_id": fields.pop("id"), **fields, "state": delivery.state.value, "lease_owner": None, "lease_until": NEVER}


def from_document(document: Document) -> Delivery:
    values: dict[str, Any] = {name: document.get(name) for name in FIELDS}
    values.update(state=State(document["state"]), held=bool(values["held"]))
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


async def due(
    database: ServiceDatabase, *, endpoint_ids: Iterable[str], now: datetime, limit: int, exclude: Collection[str]
) -> list[tuple[str, str]]:
    """(delivery, endpoint) ids of pending, unheld, unclaimed deliveries of these endpoints whose time has come,
    but those in `exclude` (the caller's own, in hand)."""
    query: Document = {
        "state": State.PENDING.value,
        "held": False,
        "next_attempt_at": {"$lte": now},
        "lease_until": {"$lte": now},
        "endpoint_id": {"$in": sorted(endpoint_ids)},
    }
    if exclude:
        query["_id"] = {"$nin": sorted(exclude)}
    found = database.db[DELIVERIES].find(query, projection=["endpoint_id"], sort=[("next_attempt_at", ASCENDING)])
    return [(document["_id"], document["endpoint_id"]) async for document in found.limit(limit)]


async def claim(
    database: ServiceDatabase, ids: list[str], *, token: str, until: datetime, now: datetime
) -> list[Delivery]:
    """Lease these deliveries to `token`; those another replica claimed first are left out."""
    if not ids:
        return []
    await database.db[DELIVERIES].update_many(
        {"_id": {"$in": ids}, "state": State.PENDING.value, "held": False, "lease_until": {"$lte": now}},
        {"$set": {"lease_owner": token, "lease_until": until}},
    )
    return [from_document(d) async for d in database.db[DELIVERIES].find({"_id": {"$in": ids}, "lease_owner": token})]


async def record_many(
    database: ServiceDatabase, recorded: Sequence[tuple[Delivery, str, Document, Answer, datetime]]
) -> int:
    """Each attempt into its delivery's log with its effect on the delivery (where the lease is still the
    sender's), in one bulk write; then the next delivery released behind each one done with (how many)."""
    writes = [
        UpdateOne(
            {"_id": d.id, "lease_owner": token},
            {
                "$set": {**changes, "last_attempt_at": at, "lease_owner": None, "lease_until": NEVER},
                "$push": {"attempt_log": {"$each": [{**asdict(answer), "at": at}], "$slice": -ATTEMPTS_KEPT}},
            },
        )
        for d, token, changes, answer, at in recorded
    ]
    await database.db[DELIVERIES].bulk_write(writes, ordered=False)
    done = [d for d, _, changes, _, _ in recorded if changes.get("state") in (State.DELIVERED, State.FAILED)]
    return await release_behind(database, done)


async def release_behind(database: ServiceDatabase, done: Sequence[Delivery]) -> int:
    """One look-up for held deliveries behind those done with; each aggregate found has its next released."""
    if not done:
        return 0
    any_held = {
        "state": State.PENDING.value,
        "held": True,
        "endpoint_id": {"$in": sorted({d.endpoint_id for d in done})},
    }
    if await database.db[DELIVERIES].find_one(any_held, projection=["_id"]) is None:
        return 0  # the usual case, answered from the `due` index
    query = {
        "state": State.PENDING.value,
        "held": True,
        "endpoint_id": {"$in": sorted({d.endpoint_id for d in done})},
        "subject": {"$in": sorted({d.subject for d in done})},
    }
    found = database.db[DELIVERIES].find(query, projection=["endpoint_id", "subject"])
    behind = {(document["endpoint_id"], document["subject"]) async for document in found}
    for endpoint_id, subject in behind:
        await release_next(database, endpoint_id, subject)
    return len(behind)


async def give_back(database: ServiceDatabase, delivery_id: str, token: str) -> None:
    """A claimed delivery left unsent (its endpoint was disabled meanwhile) is free to claim again."""
    await database.db[DELIVERIES].update_one(
        {"_id": delivery_id, "lease_owner": token}, {"$set": {"lease_owner": None, "lease_until": NEVER}}
    )


async def renew(database: ServiceDatabase, ids: list[str], *, token: str, until: datetime) -> set[str]:
    """Extend the leases `token` still holds among `ids`; the ids renewed."""
    if not ids:
        return set()
    held = {"_id": {"$in": ids}, "lease_owner": token, "state": State.PENDING.value}
    result = await database.db[DELIVERIES].update_many(held, {"$set": {"lease_until": until}})
    if result.matched_count == len(ids):
        return set(ids)
    return {document["_id"] async for document in database.db[DELIVERIES].find(held, projection=["_id"])}


async def give_back_all(database: ServiceDatabase, token: str) -> None:
    """Every claim `token` holds, free to claim again (a replica stopping)."""
    await database.db[DELIVERIES].update_many(
        {"lease_owner": token, "state": State.PENDING.value}, {"$set": {"lease_owner": None, "lease_until": NEVER}}
    )


async def release_next(database: ServiceDatabase, endpoint_id: str, subject: str) -> None:
    """Unhold the earliest pending delivery of the aggregate, unless an unheld one is still pending."""
    query = {"endpoint_id": endpoint_id, "subject": subject, "state": State.PENDING.value}
    if await database.db[DELIVERIES].find_one({**query, "held": False}) is not None:
        return
    await database.db[DELIVERIES].find_one_and_update(
        {**query, "held": True}, {"$set": {"held": False}}, sort=[("sequence", ASCENDING)]
    )


async def delivery(tx: Transaction, delivery_id: str, *, owner: Document) -> tuple[Delivery, list[Document]]:
    """A delivery and its attempts, oldest first."""
    document = await tx.db[DELIVERIES].find_one({"_id": delivery_id, **owner}, session=tx.session)
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


async def queue(database: ServiceDatabase, endpoint_id: str) -> tuple[int, datetime | None]:
    """How many deliveries of the endpoint are pending, and since when the oldest."""
    query = {"endpoint_id": endpoint_id, "state": State.PENDING.value}
    depth = await database.db[DELIVERIES].count_documents(query)
    oldest = await database.db[DELIVERIES].find_one(query, sort=[(POSITION, ASCENDING)], projection=["created_at"])
    return depth, None if oldest is None else oldest["created_at"]
