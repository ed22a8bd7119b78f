"""Routes of deliveries: each endpoint's deliveries and attempt log, replays and recovery."""

from datetime import datetime
from typing import Annotated, Any, Self

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from services.notifications.callers import EndpointReader, EndpointWriter
from services.notifications.deliveries import handlers
from services.notifications.deliveries.domain import Delivery, State
from services.notifications.endpoints.api import NOT_FOUND
from services.notifications.endpoints.handlers import owner_of
from shared.http.app import DatabaseDep
from shared.http.parameters import PathId
from shared.storage.database import Document
from shared.storage.pages import After, Limit, Page

router = APIRouter(tags=["webhook deliveries"])
DELIVERY_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No delivery of this key's endpoints"}}


class DeliveryOut(BaseModel):
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    subject: str
    sequence: int
    state: State
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None
    last_status: int | None
    last_error: str | None

    @classmethod
    def from_domain(cls, delivery: Delivery) -> Self:
        return cls.model_validate(delivery, from_attributes=True)


class AttemptOut(BaseModel):
    delivery_id: str
    event_id: str
    at: datetime
    status: int | None
    latency_seconds: float
    excerpt: str = Field(description="The start of the receiver's answer (a few hundred bytes)")
    error: str | None
    retry_after_seconds: float | None

    @classmethod
    def from_document(cls, document: Document) -> Self:
        return cls.model_validate(document)


class DeliveryWithAttempts(DeliveryOut):
    attempt_log: list[AttemptOut]


class ReplayRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"since": "2026-12-01T00:00:00Z", "only_undelivered": True}]}
    )

    since: datetime = Field(description="Deliveries created at or after this time")
    only_undelivered: bool = Field(False, description="Only those never delivered (failed, or missed while disabled)")


class Queued(BaseModel):
    queued: int


@router.get(
    "/endpoints/{endpoint_id}/deliveries", summary="An endpoint's deliveries, oldest first", responses=NOT_FOUND
)
async def list_deliveries(
    endpoint_id: PathId,
    database: DatabaseDep,
    caller: EndpointReader,
    state: State | None = None,
    after: After = None,
    limit: Limit = 50,
) -> Page[DeliveryOut]:
    found, cursor = await handlers.deliveries_page(
        database, endpoint_id, owner=owner_of(caller), state=state, after=after, limit=limit
    )
    return Page(items=[DeliveryOut.from_domain(delivery) for delivery in found], next_cursor=cursor)


@router.get(
    "/endpoints/{endpoint_id}/attempts", summary="An endpoint's delivery log, newest first", responses=NOT_FOUND
)
async def endpoint_log(
    endpoint_id: PathId, database: DatabaseDep, caller: EndpointReader, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[AttemptOut]:
    found = await handlers.endpoint_log(database, endpoint_id, owner=owner_of(caller), limit=limit)
    return [AttemptOut.from_document(document) for document in found]


@router.get("/deliveries/{delivery_id}", summary="A delivery and its attempts", responses=DELIVERY_NOT_FOUND)
async def get_delivery(delivery_id: PathId, database: DatabaseDep, caller: EndpointReader) -> DeliveryWithAttempts:
    found, attempts = await handlers.delivery_with_attempts(database, delivery_id, owner=owner_of(caller))
    log = [AttemptOut.from_document(document) for document in attempts]
    return DeliveryWithAttempts(**DeliveryOut.from_domain(found).model_dump(), attempt_log=log)


@router.post(
    "/deliveries/{delivery_id}/replays",
    status_code=202,
    summary="Send a delivery again, from the start of the retry schedule",
    responses=DELIVERY_NOT_FOUND,
)
async def replay(delivery_id: PathId, database: DatabaseDep, caller: EndpointWriter) -> DeliveryOut:
    return DeliveryOut.from_domain(await handlers.replay(database, delivery_id, owner=owner_of(caller)))


@router.post(
    "/endpoints/{endpoint_id}/replays",
    status_code=202,
    summary="Send again every delivery since a time, or only those never delivered",
    responses=NOT_FOUND,
)
async def replay_since(
    endpoint_id: PathId, body: ReplayRequest, database: DatabaseDep, caller: EndpointWriter
) -> Queued:
    owner = owner_of(caller)
    count = await handlers.replay_since(
        database, endpoint_id, owner=owner, since=body.since, only_undelivered=body.only_undelivered
    )
    return Queued(queued=count)


@router.post(
    "/endpoints/{endpoint_id}/recoveries",
    status_code=202,
    summary="Send what the endpoint missed while it was disabled",
    responses=NOT_FOUND,
)
async def recover(endpoint_id: PathId, database: DatabaseDep, caller: EndpointWriter) -> Queued:
    return Queued(queued=await handlers.recover(database, endpoint_id, owner=owner_of(caller)))
