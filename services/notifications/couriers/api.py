"""Routes of the couriers: a test send to an endpoint, now, with the receiver's answer."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from services.notifications.callers import EndpointWriter
from services.notifications.couriers import handlers
from services.notifications.couriers.handlers import Courier
from services.notifications.endpoints.api import NOT_FOUND
from shared.http.app import DatabaseDep
from shared.http.parameters import PathId

router = APIRouter(tags=["webhook endpoints"])


async def courier(request: Request) -> Courier:
    """The service's courier (its client opened by the runtime; set by main.py)."""
    found: Courier = request.app.state.courier
    return found


CourierDep = Annotated[Courier, Depends(courier)]


class TestSendOut(BaseModel):
    status: int | None
    latency_seconds: float
    answer: str = Field(description="The start of the receiver's answer")
    error: str | None


@router.post(
    "/endpoints/{endpoint_id}/test-sends",
    summary="Send a signed sample event now and show the receiver's answer",
    responses=NOT_FOUND,
)
async def test_send(
    endpoint_id: PathId, database: DatabaseDep, courier: CourierDep, caller: EndpointWriter
) -> TestSendOut:
    answer = await handlers.test_send(database, courier, endpoint_id, caller=caller)
    return TestSendOut(
        status=answer.status, latency_seconds=answer.latency_seconds, answer=answer.excerpt, error=answer.error
    )
