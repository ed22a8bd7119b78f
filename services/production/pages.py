"""Keyset pagination over production's records, in the order they were made.

Records are sorted by (`created_at`, `_id`). `created_at` comes from `clock.now()`, cut to the millisecond a
BSON date keeps, so the sort key read back is the one written; `_id` (a uuid4 string, unique but not
time-ordered) only breaks ties between records of the same millisecond. The cursor is the last item's id:
the next page is every record whose (created_at, _id) sorts after that item's, so a page never repeats or
skips an item however many are added after it. Records are never deleted, so a cursor stays valid. A cursor
that is not a uuid, or names no record of this collection, is InvalidCursor naming `after`.
"""

from typing import Any
from uuid import UUID

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from shared.database import Document
from shared.errors import InvalidInput

IN_ORDER = [("created_at", ASCENDING), ("_id", ASCENDING)]


class InvalidCursor(InvalidInput):
    """A cursor is the `next_cursor` of an earlier page of the same listing."""


def index_in_order(name: str, *filters: str) -> IndexModel:
    """An index serving a listing filtered by equality on `filters`, in page order."""
    return IndexModel([(field, ASCENDING) for field in filters] + IN_ORDER, name=name)


async def page(
    collection: AsyncCollection[Document], query: dict[str, Any], *, after: str | None, limit: int
) -> tuple[list[Document], str | None]:
    """Up to `limit` documents matching `query` after the cursor, and the cursor of the next page (None at the end)."""
    if after is not None:
        query = {"$and": [query, await _after(collection, after)]}
    documents = await collection.find(query, sort=IN_ORDER, limit=limit + 1).to_list()
    if len(documents) <= limit:
        return documents, None
    documents = documents[:limit]
    return documents, str(documents[-1]["_id"])


async def _after(collection: AsyncCollection[Document], cursor: str) -> dict[str, Any]:
    try:
        canonical = str(UUID(cursor))
    except ValueError:
        raise InvalidCursor("The cursor is not one this listing gave.", field="after") from None
    anchor = await collection.find_one({"_id": canonical}, projection={"created_at": True})
    if anchor is None:
        raise InvalidCursor("The cursor is not one this listing gave.", field="after")
    made = anchor["created_at"]
    return {"$or": [{"created_at": {"$gt": made}}, {"created_at": made, "_id": {"$gt": canonical}}]}
