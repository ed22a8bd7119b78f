"""Grants, one document per agency (in the collection first named for them, `subscriptions`)."""

from datetime import UTC, datetime

from services.notifications.grants.domain import Grant
from shared.storage.database import Document, ServiceDatabase, Transaction

GRANTS = "subscriptions"


def from_document(document: Document) -> Grant:
    return Grant(document["_id"], frozenset(document["event_types"]), document.get("all_programmes", False))


async def save_grant(database: ServiceDatabase, grant: Grant) -> None:
    fields = {
        "event_types": sorted(grant.event_types),
        "all_programmes": grant.all_programmes,
        "updated_at": datetime.now(UTC),
    }
    await database.db[GRANTS].replace_one({"_id": grant.agency_id}, fields, upsert=True)


async def grant(database: ServiceDatabase, agency_id: str) -> Grant | None:
    document = await database.db[GRANTS].find_one({"_id": agency_id})
    return None if document is None else from_document(document)


async def all_grants(tx: Transaction) -> dict[str, Grant]:
    """Every agency's grant, by agency; few enough to read whole for each run of events."""
    documents = await tx.db[GRANTS].find({}, session=tx.session).to_list()
    return {document["_id"]: from_document(document) for document in documents}
