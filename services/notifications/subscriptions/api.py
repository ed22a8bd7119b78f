"""Routes of agencies' subscriptions: which event types each agency reads from the feed and receives."""

from typing import Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.notifications.callers import FeedReader, SubscriptionWriter
from services.notifications.subscriptions import handlers
from services.notifications.subscriptions.domain import Subscription
from shared.http.app import DatabaseDep
from shared.http.parameters import PathId

router = APIRouter(tags=["subscriptions"])


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"event_types": ["production.harvest.recorded", "production.lot.distributed"]}]
        },
    )

    event_types: list[str] = Field(
        max_length=100, description="event types, as listed in docs/events, or prefixes such as `production.*`"
    )
    all_programmes: bool = Field(
        False, description="Programme-bound events of every programme, not only the agency's own (the directorate)"
    )


class SubscriptionOut(BaseModel):
    agency_id: str
    event_types: list[str]
    all_programmes: bool

    @classmethod
    def from_domain(cls, subscription: Subscription) -> Self:
        return cls(
            agency_id=subscription.agency_id,
            event_types=sorted(subscription.event_types),
            all_programmes=subscription.all_programmes,
        )


@router.put(
    "/subscriptions/{agency_id}",
    summary="Grant an agency event types: what its keys read from the feed and its endpoints may receive",
    responses={
        403: {"description": "A key that is not platform staff's"},
        422: {"description": "An unknown event type, or a custody type (never granted to an agency)"},
    },
)
async def subscribe(
    agency_id: PathId, body: SubscriptionIn, database: DatabaseDep, caller: SubscriptionWriter
) -> SubscriptionOut:
    if not caller.staff:
        raise handlers.NotStaff("Only platform staff grant event types.")
    return SubscriptionOut.from_domain(
        await handlers.subscribe(database, agency_id, body.event_types, all_programmes=body.all_programmes)
    )


@router.get(
    "/subscriptions/{agency_id}",
    summary="The event types an agency subscribed to; an agency's key reads its own",
    responses={403: {"description": "Another agency's subscription"}},
)
async def read_subscription(agency_id: PathId, database: DatabaseDep, caller: FeedReader) -> SubscriptionOut:
    if caller.agency_id is None and not caller.staff:
        raise handlers.NotStaff("Only platform staff and the agency itself read a subscription.")
    found = await handlers.subscription(database, agency_id, agency=caller.agency_id)
    return SubscriptionOut.from_domain(found)
