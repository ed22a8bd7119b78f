"""Subscriptions, one document per agency."""

from datetime import UTC, datetime

from services.notifications.subscriptions.domain import Subscription
from shared.storage.database import Document, ServiceDatabase, Transaction

SUBSCRIPTIONS = "subscriptions"


def from_document(document: Document) -> Subscription:
    return Subscription(document["_id"], frozenset(document["event_types"]), document.get("all_programmes", False))


async def save_subscription(database: ServiceDatabase, subscription: Subscription) -> None:
    """One write, replacing the agency's subscription whole (no event records it)."""
    fields = {
        "event_types": sorted(subscription.event_types),
        "all_programmes": subscription.all_programmes,
        "updated_at": datetime.now(UTC),
    }
    await database.db[SUBSCRIPTIONS].replace_one({"_id": subscription.agency_id}, fields, upsert=True)


async def subscription(tx: Transaction, agency_id: str) -> Subscription | None:
    document = await tx.document(SUBSCRIPTIONS, agency_id)
    return None if document is None else from_document(document)


async def all_subscriptions(tx: Transaction) -> dict[str, Subscription]:
    """Every agency's subscription, by agency; few enough to read whole for each run of events."""
    documents = await tx.db[SUBSCRIPTIONS].find({}, session=tx.session).to_list()
    return {document["_id"]: from_document(document) for document in documents}
