"""Keyset pagination over a service's records, in the order they were made.

Records are sorted by (a creation time, `_id`): `created_at` unless a listing names another field. The
anchor's time is read back from the database, so comparisons use the stored (millisecond) value; `_id`, a
uuid4 string, only breaks ties within a millisecond. The cursor is the last item's id: the next page is
every record sorting after it, so a page never repeats or skips an item however many are added meanwhile.
A cursor that is not a uuid, or names no record of this collection, is InvalidCursor naming `after`.
"""

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from shared.database import Document
from shared.errors import InvalidInput

CREATED_AT = "created_at"

After = Annotated[
    str | None, Query(max_length=64, description="The `next_cursor` of the previous page; omit for the first")
]
Limit = Annotated[int, Query(ge=1, le=200, description="At most this many items")]
Item = TypeVar("Item")
Record = TypeVar("Record")
Listing = tuple[list[Record], str | None]
"""A page of records and the cursor of the next page (None at the end)."""


class Page(BaseModel, Generic[Item]):
    """A page of a listing, oldest first; `next_cursor` is null on the last page."""

    items: list[Item]
    next_cursor: str | None


class InvalidCursor(InvalidInput):
    """A cursor is the `next_cursor` of an earlier page of the same listing."""


def in_order(made: str) -> list[tuple[str, int]]:
    return [(made, ASCENDING), ("_id", ASCENDING)]


def index_in_order(name: str, *filters: str, made: str = CREATED_AT) -> IndexModel:
    """An index serving a listing filtered by equality on `filters`, in page order."""
    return IndexModel([(field, ASCENDING) for field in filters] + in_order(made), name=name)


def only(**filters: Any) -> dict[str, Any]:
    """Equality filters of a listing, leaving out the ones not given."""
    return {name: value for name, value in filters.items() if value is not None}


async def page(
    collection: AsyncCollection[Document],
    query: dict[str, Any],
    convert: Callable[[Document], Record],
    *,
    after: str | None,
    limit: int,
    made: str = CREATED_AT,
) -> Listing[Record]:
    """Up to `limit` records matching `query` after the cursor, and the cursor of the next page."""
    if after is not None:
        query = {"$and": [query, await _after(collection, after, made)]}
    documents = await collection.find(query, sort=in_order(made), limit=limit + 1).to_list()
    cursor = str(documents[limit - 1]["_id"]) if len(documents) > limit else None
    return [convert(document) for document in documents[:limit]], cursor


async def _after(collection: AsyncCollection[Document], cursor: str, made: str) -> dict[str, Any]:
    try:
        canonical = str(UUID(cursor))
    except ValueError:
        raise InvalidCursor("The cursor is not one this listing gave.", field="after") from None
    anchor = await collection.find_one({"_id": canonical}, projection={made: True})
    if anchor is None:
        raise InvalidCursor("The cursor is not one this listing gave.", field="after")
    at = anchor[made]
    return {"$or": [{made: {"$gt": at}}, {made: at, "_id": {"$gt": canonical}}]}
