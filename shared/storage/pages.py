"""Keyset pagination over a service's records, in the order their creation committed.

A listed record takes a position when it is first saved (`Transaction.take_positions`): positions rise in
commit order, so a record that commits late sorts after everything a reader has already passed. The cursor
is the last item's id: the next page is every record positioned after it, so a reader never repeats or
misses an item however many are added meanwhile, and a client polling with the last id it saw as `after`
sees every new record once. A cursor that is not a uuid, or names no record of this collection, is
InvalidCursor naming `after`.
"""

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from shared.errors import InvalidInput
from shared.storage.database import POSITION, Document, ServiceDatabase, Transaction

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


IN_ORDER = [(POSITION, ASCENDING)]
LARGEST_POSITION = 2**63 - 1
"""A position is stored as the database's int64: a cursor naming a larger one names nothing this listing gave."""


def within_positions(position: int, *, field: str = "after") -> int:
    """`position`, or InvalidCursor naming `field` when no stored position can be it (beyond int64)."""
    if not 0 <= position <= LARGEST_POSITION:
        raise InvalidCursor("The cursor is not one this listing gave.", field=field)
    return position


def position_in(cursor: str, *, field: str = "after") -> int:
    """The position a cursor of ASCII digits names; InvalidCursor naming `field` for any other text, or for a
    number beyond int64 (the database refuses such a number in a query: a 500 rather than a 4xx)."""
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > len(str(LARGEST_POSITION)):
        raise InvalidCursor("The cursor is not one this listing gave.", field=field)
    return within_positions(int(cursor), field=field)


def index_in_order(name: str, *filters: str) -> IndexModel:
    """An index serving a listing filtered by equality on `filters`, in page order."""
    return IndexModel([(field, ASCENDING) for field in filters] + IN_ORDER, name=f"{name}_in_commit_order")


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
) -> Listing[Record]:
    """Up to `limit` records matching `query` after the cursor, and the cursor of the next page."""
    if after is not None:
        query = {"$and": [query, {POSITION: {"$gt": await _position_of(collection, after)}}]}
    documents = await collection.find(query, sort=IN_ORDER, limit=limit + 1).to_list()
    cursor = str(documents[limit - 1]["_id"]) if len(documents) > limit else None
    return [convert(document) for document in documents[:limit]], cursor


async def _position_of(collection: AsyncCollection[Document], cursor: str) -> int:
    try:
        canonical = str(UUID(cursor))
    except ValueError:
        raise InvalidCursor("The cursor is not one this listing gave.", field="after") from None
    anchor = await collection.find_one({"_id": canonical}, projection={POSITION: True})
    if anchor is None or POSITION not in anchor:
        raise InvalidCursor("The cursor is not one this listing gave.", field="after")
    position: int = anchor[POSITION]
    return position


PLACED_PER_TRANSACTION = 1000


async def place_unpositioned(database: ServiceDatabase, *listed: dict[str, str]) -> None:
    """Give records stored before positions existed theirs, per collection in the order of the field named,
    a thousand per transaction (a start-up migration: see shared.storage.migrations)."""
    for collection, made in (item for each in listed for item in each.items()):
        unplaced = database.db[collection].find(
            {POSITION: {"$exists": False}}, projection=["_id"], sort=[(made, ASCENDING), ("_id", ASCENDING)]
        )
        ids = [document["_id"] async for document in unplaced]
        for start in range(0, len(ids), PLACED_PER_TRANSACTION):
            await database.transaction(partial(_place, collection, ids[start : start + PLACED_PER_TRANSACTION]))


async def _place(collection: str, record_ids: list[object], tx: Transaction) -> None:
    positions = await tx.take_positions(collection, len(record_ids))
    placed = [
        UpdateOne({"_id": record_id}, {"$set": {POSITION: at}})
        for record_id, at in zip(record_ids, positions, strict=True)
    ]
    await tx.db[collection].bulk_write(placed, session=tx.session)
