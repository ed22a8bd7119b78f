"""The collection of inputs received from partner agencies."""

from services.production.inputs.domain import Input, InputKind
from services.production.quantities.store import quantity_of
from services.production.sites import store as sites
from shared.storage import pages
from shared.storage.database import Document, ServiceDatabase, Transaction
from shared.storage.values import day_of, stored_amount, stored_day

INPUTS = "inputs"

LISTED = {INPUTS: "created_at"}
"""Listed in commit order; records from before positions existed are placed by this field at start."""

INDEXES = {
    INPUTS: [
        pages.index_in_order("by_agency", "agency_id"),
        pages.index_in_order("by_site", "site_id"),
        pages.index_in_order("by_kind", "kind"),
        pages.index_in_order("in_order"),
    ],
}


def to_document(received: Input) -> Document:
    return {
        "_id": received.id,
        "site_id": received.site_id,
        "agency_id": received.agency_id,
        "kind": received.kind.value,
        "item": received.item,
        "quantity": stored_amount(received.quantity.amount),
        "unit": received.quantity.unit.value,
        "received_on": stored_day(received.received_on),
        "created_at": received.created_at,
        "version": received.version,
    }


def from_document(document: Document) -> Input:
    return Input(
        id=document["_id"],
        site_id=document["site_id"],
        agency_id=document["agency_id"],
        kind=InputKind(document["kind"]),
        item=document["item"],
        quantity=quantity_of(document["quantity"], document["unit"]),
        received_on=day_of(document["received_on"]),
        created_at=document["created_at"],
        version=document["version"],
    )


async def save_input(tx: Transaction, received: Input) -> None:
    await tx.save_versioned(INPUTS, to_document(received), listed=True)


async def inputs_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    agency_id: str | None,
    site_id: str | None,
    kind: InputKind | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Input]:
    """Inputs to the sites within `reach` (those to no site: staff's only), oldest first; the filters narrow."""
    query = pages.only(agency_id=agency_id, site_id=site_id, kind=kind.value if kind else None)
    if limit_to := await sites.reached(database, reach):
        query["$and"] = [limit_to]
    return await pages.page(database.db[INPUTS], query, from_document, after=after, limit=limit)
