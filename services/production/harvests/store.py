"""The harvests collection: what plantings and stockings yielded, and how much of it is graded into lots."""

from services.production.credits import store as credits
from services.production.harvests.domain import Harvest, HarvestNotFound
from services.production.quantities.store import quantity_of
from services.production.sites import store as sites
from shared.storage import pages
from shared.storage.database import Document, ServiceDatabase, Transaction
from shared.storage.values import amount_of, day_of, stored_amount, stored_day

HARVESTS = "harvests"

LISTED = {HARVESTS: "created_at"}
"""Listed in commit order; records from before positions existed are placed by this field at start."""

INDEXES = {
    HARVESTS: [
        pages.index_in_order("by_cycle", "cycle_id"),
        pages.index_in_order("by_programme", "programme_id"),
        pages.index_in_order("in_order"),
    ],
}

FIELDS = ("cycle_id", "programme_id", "site_id", "commodity", "fish_count", "created_at", "version")


def to_document(harvest: Harvest) -> Document:
    return {
        "_id": harvest.id,
        **{name: getattr(harvest, name) for name in FIELDS},
        "quantity": stored_amount(harvest.quantity.amount),
        "unit": harvest.quantity.unit.value,
        "harvested_on": stored_day(harvest.harvested_on),
        "credits": credits.to_documents(harvest.credits),
        "graded": stored_amount(harvest.graded),
    }


def from_document(document: Document) -> Harvest:
    return Harvest(
        id=document["_id"],
        **{name: document[name] for name in FIELDS},
        quantity=quantity_of(document["quantity"], document["unit"]),
        harvested_on=day_of(document["harvested_on"]),
        credits=credits.from_documents(document["credits"]),
        graded=amount_of(document["graded"]),
    )


async def save_harvest(tx: Transaction, harvest: Harvest) -> None:
    await tx.save_versioned(HARVESTS, to_document(harvest), listed=True)


async def harvest(tx: Transaction, harvest_id: str, *, reach: str | None = None) -> Harvest:
    """The harvest; one on a site beyond `reach` (None: every facility) is not found."""
    document = await tx.document(HARVESTS, harvest_id)
    if document is None or not await sites.reaches(tx, document["site_id"], reach):
        raise HarvestNotFound(f"No harvest {harvest_id}.", field="harvest_id")
    return from_document(document)


async def harvests_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    cycle_id: str | None,
    programme_id: str | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Harvest]:
    """Harvests on the sites within `reach`, oldest first; the filters narrow that, never widen it."""
    query = pages.only(cycle_id=cycle_id, programme_id=programme_id)
    if limit_to := await sites.reached(database, reach):
        query["$and"] = [limit_to]
    return await pages.page(database.db[HARVESTS], query, from_document, after=after, limit=limit)
