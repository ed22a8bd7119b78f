"""Routes of the event feed that partner agencies' systems pull."""

from datetime import datetime
from typing import Annotated, Any, Self

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.notifications.callers import FeedReader
from services.notifications.feed import handlers
from services.notifications.feed.domain import FeedEntry
from shared.http.app import DatabaseDep

router = APIRouter(tags=["event feed"])


class FeedEntryOut(BaseModel):
    event_id: str
    type: str
    source: str
    subject: str
    time: datetime
    dataschema: str
    sequence: int
    correlation_id: str | None
    data: dict[str, Any]

    @classmethod
    def from_domain(cls, entry: FeedEntry) -> Self:
        return cls.model_validate(entry, from_attributes=True)


class FeedPage(BaseModel):
    events: list[FeedEntryOut]
    next_cursor: str | None


@router.get(
    "/events",
    summary="Events in the order received, after a cursor; an agency's key reads the types it subscribed to",
    description="Pass the previous page's `next_cursor` as `after` to follow the feed.",
    responses={
        403: {"description": "An agency's key before the agency has a subscription, or a key reaching no events"}
    },
)
async def read_feed(
    database: DatabaseDep,
    caller: FeedReader,
    after: Annotated[str | None, Query(max_length=64)] = None,
    event_type: Annotated[list[str], Query(alias="type")] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> FeedPage:
    entries, cursor = await handlers.feed_for(database, caller, requested=event_type, after=after, limit=limit)
    return FeedPage(events=[FeedEntryOut.from_domain(entry) for entry in entries], next_cursor=cursor)
