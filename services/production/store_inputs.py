"""The collection of inputs received from partner agencies."""

from services.production.inputs import Input, InputKind
from services.production.store_values import amount_of, date_of, day, exact
from services.production.units import Quantity, Unit
from shared import pages
from shared.database import Document, ServiceDatabase, Transaction

INPUTS = "inputs"

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
        "quantity": exact(received.quantity.amount),
        "unit": received.quantity.unit.value,
        "received_on": day(received.received_on),
        "created_at": received.created_at,
        "version": received.version,
    }


def from_document(document: Document) -> Input:
    amount = amount_of(document["quantity"])
    assert amount is not None
    return Input(
        id=document["_id"],
        site_id=document["site_id"],
        agency_id=document["agency_id"],
        kind=InputKind(document["kind"]),
        item=document["item"],
        quantity=Quantity(amount, Unit(document["unit"])),
        received_on=date_of(document["received_on"]),
        created_at=document["created_at"],
        version=document["version"],
    )


async def add_input(tx: Transaction, received: Input) -> None:
    await tx.db[INPUTS].insert_one(to_document(received), session=tx.session)


async def inputs_page(
    database: ServiceDatabase,
    *,
    agency_id: str | None,
    site_id: str | None,
    kind: InputKind | None,
    after: str | None,
    limit: int,
) -> tuple[list[Input], str | None]:
    query = {name: value for name, value in (("agency_id", agency_id), ("site_id", site_id)) if value is not None}
    if kind is not None:
        query["kind"] = kind.value
    return await pages.page(database.db[INPUTS], query, from_document, after=after, limit=limit)
