"""The notifications service's documents: the event feed, with a cursor in insertion order, and subscriptions."""

from dataclasses import asdict
from datetime import UTC, datetime

from bson import ObjectId
from bson.errors import InvalidId
from pymongo import ASCENDING, IndexModel

from services.notifications.domain import FeedEntry, Subscription
from shared.database import ServiceDatabase, Transaction
from shared.errors import InvalidInput

FEED = "event_feed"
SUBSCRIPTIONS = "subscriptions"

INDEXES = {
    FEED: [
        IndexModel([("event_id", ASCENDING)], name="event_id", unique=True),
        IndexModel([("type", ASCENDING), ("_id", ASCENDING)], name="type_in_order"),
    ],
}


class InvalidCursor(InvalidInput):
    """A cursor is the `next_cursor` of an earlier page."""


async def append_to_feed(tx: Transaction, entry: FeedEntry) -> None:
    await tx.db[FEED].insert_one({**asdict(entry), "received_at": datetime.now(UTC)}, session=tx.session)


async def feed_page(
    database: ServiceDatabase, *, after: str | None, types: list[str] | None, limit: int
) -> tuple[list[FeedEntry], str | None]:
    """Entries after the cursor, oldest first, of `types` (None: any), and the cursor of the last one."""
    query: dict[str, object] = {}
    if after:
        try:
            query["_id"] = {"$gt": ObjectId(after)}
        except InvalidId:
            raise InvalidCursor("Unknown cursor.", field="after") from None
    if types is not None:
        query["type"] = {"$in": types}
    documents = await database.db[FEED].find(query, sort=[("_id", 1)], limit=limit).to_list()
    entries = [FeedEntry(**{name: document[name] for name in FeedEntry.__dataclass_fields__}) for document in documents]
    cursor = str(documents[-1]["_id"]) if documents else after
    return entries, cursor


async def save_subscription(database: ServiceDatabase, subscription: Subscription) -> None:
    types = sorted(subscription.event_types)
    await database.db[SUBSCRIPTIONS].replace_one(
        {"_id": subscription.agency_id}, {"event_types": types, "updated_at": datetime.now(UTC)}, upsert=True
    )


async def subscription(database: ServiceDatabase, agency_id: str) -> Subscription | None:
    document = await database.db[SUBSCRIPTIONS].find_one({"_id": agency_id})
    return None if document is None else Subscription(agency_id, frozenset(document["event_types"]))
