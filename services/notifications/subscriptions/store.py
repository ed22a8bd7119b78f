"""Agencies' subscriptions, one document per agency."""

from datetime import UTC, datetime

from services.notifications.subscriptions.domain import Subscription
from shared.database import ServiceDatabase

SUBSCRIPTIONS = "subscriptions"


async def save_subscription(database: ServiceDatabase, subscription: Subscription) -> None:
    types = sorted(subscription.event_types)
    await database.db[SUBSCRIPTIONS].replace_one(
        {"_id": subscription.agency_id}, {"event_types": types, "updated_at": datetime.now(UTC)}, upsert=True
    )


async def subscription(database: ServiceDatabase, agency_id: str) -> Subscription | None:
    document = await database.db[SUBSCRIPTIONS].find_one({"_id": agency_id})
    return None if document is None else Subscription(agency_id, frozenset(document["event_types"]))
