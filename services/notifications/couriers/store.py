"""The couriers' queries of the deliveries collection: due deliveries claimed with a lease (`lease_owner`,
`lease_until`), renewed while held, given back, and each attempt recorded in its delivery's log.

Two replicas never send one delivery at the same time, and a replica that dies leaves its claims to be taken
again once their lease runs out.
"""

from collections.abc import Collection, Sequence
from dataclasses import asdict
from datetime import datetime

from pymongo import ASCENDING, UpdateOne

from services.notifications.couriers.domain import Answer
from services.notifications.deliveries.domain import Delivery, State
from services.notifications.deliveries.store import DELIVERIES, NEVER, from_document
from shared.storage.database import POSITION, Document, ServiceDatabase

ATTEMPTS_KEPT = 50
"""Attempts kept in a delivery's log (the schedule makes eight; replays add more)."""


async def with_due(database: ServiceDatabase, *, endpoint_ids: Collection[str], now: datetime) -> set[str]:
    """Which of these endpoints have due deliveries (one look-up, from the `due_covered` index): the others are
    not asked for theirs."""
    query: Document = {
        "state": State.PENDING.value,
        "held": False,
        "next_attempt_at": {"$lte": now},
        "lease_until": {"$lte": now},
        "endpoint_id": {"$in": sorted(endpoint_ids)},
    }
    return set(await database.db[DELIVERIES].distinct("endpoint_id", query))


async def due(
    database: ServiceDatabase, *, endpoint_id: str, now: datetime, limit: int, exclude: Collection[str]
) -> list[str]:
    """Ids of the endpoint's pending, unheld, unclaimed deliveries whose time has come, oldest first, but those
    in `exclude` (the caller's own, in hand: their leases keep them out of the query unless one lapsed, and they
    are left out here rather than in it, where a long `$nin` costs more than the query)."""
    query: Document = {
        "state": State.PENDING.value,
        "held": False,
        "endpoint_id": endpoint_id,
        "next_attempt_at": {"$lte": now},
        "lease_until": {"$lte": now},
    }
    found = database.db[DELIVERIES].find(query, projection=["_id"], sort=[("next_attempt_at", ASCENDING)])
    ids = [document["_id"] async for document in found.limit(limit)]
    return [delivery_id for delivery_id in ids if delivery_id not in exclude]


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
    if await database.read(lambda tx: tx.document(DELIVERIES, any_held, projection=["_id"])) is None:
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
    if await database.read(lambda tx: tx.document(DELIVERIES, {**query, "held": False})) is not None:
        return
    await database.db[DELIVERIES].find_one_and_update(
        {**query, "held": True}, {"$set": {"held": False}}, sort=[("sequence", ASCENDING)]
    )


async def queue(database: ServiceDatabase, endpoint_id: str) -> tuple[int, datetime | None]:
    """How many deliveries of the endpoint are pending, and since when the oldest."""
    query = {"endpoint_id": endpoint_id, "state": State.PENDING.value}
    depth = await database.db[DELIVERIES].count_documents(query)
    oldest = await database.db[DELIVERIES].find_one(query, sort=[(POSITION, ASCENDING)], projection=["created_at"])
    return depth, None if oldest is None else oldest["created_at"]
