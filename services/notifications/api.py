"""Notifications HTTP routes: the event feed partner agencies' systems pull, and their subscriptions."""

from datetime import datetime
from typing import Annotated, Any, Self

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from services.notifications import handlers
from services.notifications.domain import FeedEntry, Subscription
from shared.api_keys import Caller, scoped
from shared.http import DatabaseDep

router = APIRouter(tags=["event feed"])


FeedReader = Annotated[Caller, scoped("events:read")]
SubscriptionWriter = Annotated[Caller, scoped("subscriptions:write")]
AgencyId = Annotated[str, Path(min_length=1, max_length=64)]


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
    responses={403: {"description": "An agency's key, before the agency has a subscription"}},
)
async def read_feed(
    database: DatabaseDep,
    caller: FeedReader,
    after: Annotated[str | None, Query(max_length=64)] = None,
    event_type: Annotated[list[str], Query(alias="type")] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> FeedPage:
    entries, cursor = await handlers.feed(
        database, agency=caller.agency_id, requested=event_type, after=after, limit=limit
    )
    return FeedPage(events=[FeedEntryOut.from_domain(entry) for entry in entries], next_cursor=cursor)


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"event_types": ["production.harvest.recorded", "production.lot.distributed"]}]
        },
    )

    event_types: list[str] = Field(max_length=100, description="event types, as listed in docs/events")


class SubscriptionOut(BaseModel):
    agency_id: str
    event_types: list[str]

    @classmethod
    def from_domain(cls, subscription: Subscription) -> Self:
        return cls(agency_id=subscription.agency_id, event_types=sorted(subscription.event_types))


@router.put(
    "/subscriptions/{agency_id}",
    tags=["subscriptions"],
    summary="Set the event types an agency's keys read from the feed",
    responses={422: {"description": "An unknown event type"}},
)
async def subscribe(
    agency_id: AgencyId, body: SubscriptionIn, database: DatabaseDep, caller: SubscriptionWriter
) -> SubscriptionOut:
    return SubscriptionOut.from_domain(await handlers.subscribe(database, agency_id, body.event_types))


@router.get(
    "/subscriptions/{agency_id}",
    tags=["subscriptions"],
    summary="The event types an agency subscribed to; an agency's key reads its own",
    responses={403: {"description": "Another agency's subscription"}},
)
async def read_subscription(agency_id: AgencyId, database: DatabaseDep, caller: FeedReader) -> SubscriptionOut:
    found = await handlers.subscription(database, agency_id, agency=caller.agency_id)
    return SubscriptionOut.from_domain(found)
