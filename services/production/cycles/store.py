"""The production cycles collection."""

from datetime import date

from services.production.cycles.domain import Cycle, CycleKind, CycleNotFound, CycleStatus
from services.production.quantities.domain import Quantity, Unit
from services.production.sites import store as sites
from shared.storage import pages
from shared.storage.database import ConcurrentChange, Document, ServiceDatabase, Transaction
from shared.storage.values import amount_or_none, day_of, day_or_none, stored_amount, stored_day, stored_day_or_none

CYCLES = "cycles"

LISTED = {CYCLES: "created_at"}
"""Listed in commit order; records from before positions existed are placed by this field at start."""

INDEXES = {
    CYCLES: [
        pages.index_in_order("by_site", "site_id"),
        pages.index_in_order("by_programme", "programme_id"),
        pages.index_in_order("by_status", "status"),
        pages.index_in_order("in_order"),
    ],
}


def to_document(cycle: Cycle) -> Document:
    return {
        "_id": cycle.id,
        "site_id": cycle.site_id,
        "programme_id": cycle.programme_id,
        "commodity": cycle.commodity,
        "kind": cycle.kind.value,
        "started_on": stored_day(cycle.started_on),
        "seed_quantity": stored_amount(cycle.seed.amount) if cycle.seed else None,
        "seed_unit": cycle.seed.unit.value if cycle.seed else None,
        "stocked_count": cycle.stocked_count,
        "status": cycle.status.value,
        "created_at": cycle.created_at,
        "version": cycle.version,
        "closed_on": stored_day_or_none(cycle.closed_on),
        "last_yield_on": stored_day_or_none(cycle.last_yield_on),
    }


def from_document(document: Document) -> Cycle:
    seed_amount = amount_or_none(document["seed_quantity"])
    return Cycle(
        id=document["_id"],
        site_id=document["site_id"],
        programme_id=document["programme_id"],
        commodity=document["commodity"],
        kind=CycleKind(document["kind"]),
        started_on=day_of(document["started_on"]),
        seed=Quantity(seed_amount, Unit(document["seed_unit"])) if seed_amount is not None else None,
        stocked_count=document["stocked_count"],
        status=CycleStatus(document["status"]),
        created_at=document["created_at"],
        version=document["version"],
        closed_on=day_or_none(document.get("closed_on")),
        last_yield_on=day_or_none(document.get("last_yield_on")),
    )


async def save_cycle(tx: Transaction, cycle: Cycle) -> None:
    await tx.save_versioned(CYCLES, to_document(cycle), listed=True)


async def cycle(tx: Transaction, cycle_id: str, *, reach: str | None = None) -> Cycle:
    """The cycle; one on a site beyond `reach` (None: every facility) is not found."""
    document = await tx.document(CYCLES, cycle_id)
    if document is None or not await sites.reaches(tx, document["site_id"], reach):
        raise CycleNotFound(f"No production cycle {cycle_id}.", field="cycle_id")
    return from_document(document)


async def cycles_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    site_id: str | None,
    programme_id: str | None,
    status: CycleStatus | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Cycle]:
    """Cycles on the sites within `reach`, oldest first; the filters narrow that, never widen it."""
    query = pages.only(site_id=site_id, programme_id=programme_id, status=status.value if status else None)
    if limit_to := await sites.reached(database, reach):
        query["$and"] = [limit_to]
    return await pages.page(database.db[CYCLES], query, from_document, after=after, limit=limit)


async def yielded(tx: Transaction, cycle: Cycle, on: date) -> None:
    """Note a harvest or batch on the open cycle, in the same transaction, so a close running meanwhile conflicts."""
    # Not a versioned save: a yield is the harvest's or batch's own event, so the cycle's version (the
    # sequence of its started and closed events) stays; the guard still makes a close in between a lost race.
    result = await tx.db[CYCLES].update_one(
        {"_id": cycle.id, "version": cycle.version, "status": CycleStatus.OPEN.value},
        {"$max": {"last_yield_on": stored_day(on)}},
        session=tx.session,
    )
    if result.matched_count != 1:
        raise ConcurrentChange(f"cycle {cycle.id} changed meanwhile")
