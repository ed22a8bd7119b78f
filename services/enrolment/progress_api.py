"""HTTP routes for an enrolment once training starts: suspend, resume, end without completion, complete."""

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.enrolment.callers import reach_of, signature
from services.enrolment.enrolments import handlers as enrolment_handlers
from services.enrolment.enrolments.api import EnrolmentOut, EnrolmentWriter
from services.enrolment.responses import NOT_ACTIVE, NOT_FOUND, Id
from services.enrolment.training.domain import EndReason
from shared.http import DatabaseDep

router = APIRouter()


class Suspension(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"suspended_on": "2027-02-01", "with_premi": False, "reason": "isolation after a fight"}]
        },
    )

    suspended_on: date
    with_premi: bool
    reason: str = Field(min_length=3, max_length=500)


class Resumption(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"resumed_on": "2027-02-15"}]})

    resumed_on: date


class Ending(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"ended_on": "2027-03-01", "reason": "health", "note": "referred to the clinic for surgery"}]
        },
    )

    ended_on: date
    reason: EndReason
    note: str | None = Field(None, max_length=500)


class Completion(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"completed_on": "2027-04-30"}]})

    completed_on: date


class CompletionOut(BaseModel):
    enrolment: EnrolmentOut
    certificate_number: str


@router.post(
    "/enrolments/{enrolment_id}/suspend",
    tags=["enrolments"],
    summary="Suspend training, with or without premi",
    responses=NOT_ACTIVE,
)
async def suspend(enrolment_id: Id, body: Suspension, database: DatabaseDep, caller: EnrolmentWriter) -> EnrolmentOut:
    suspended = await enrolment_handlers.suspend(
        database,
        enrolment_id,
        on=body.suspended_on,
        with_premi=body.with_premi,
        reason=body.reason,
        by=signature(caller),
        reach=reach_of(caller),
    )
    return EnrolmentOut.from_domain(suspended)


@router.post(
    "/enrolments/{enrolment_id}/resume", tags=["enrolments"], summary="Resume suspended training", responses=NOT_ACTIVE
)
async def resume(enrolment_id: Id, body: Resumption, database: DatabaseDep, caller: EnrolmentWriter) -> EnrolmentOut:
    resumed = await enrolment_handlers.resume(
        database, enrolment_id, on=body.resumed_on, by=signature(caller), reach=reach_of(caller)
    )
    return EnrolmentOut.from_domain(resumed)


@router.post(
    "/enrolments/{enrolment_id}/end",
    tags=["enrolments"],
    summary="End training without completion, with a reason; the place goes to the waiting list",
    responses=NOT_ACTIVE,
)
async def end(enrolment_id: Id, body: Ending, database: DatabaseDep, caller: EnrolmentWriter) -> EnrolmentOut:
    ended = await enrolment_handlers.end(
        database,
        enrolment_id,
        on=body.ended_on,
        reason=body.reason,
        note=body.note,
        by=signature(caller),
        reach=reach_of(caller),
    )
    return EnrolmentOut.from_domain(ended)


@router.post(
    "/enrolments/{enrolment_id}/complete",
    tags=["enrolments"],
    summary="Complete an enrolment and issue its certificate",
    responses={**NOT_FOUND, 409: {"description": "Attendance or competencies not met, or not active"}},
)
async def complete(enrolment_id: Id, body: Completion, database: DatabaseDep, caller: EnrolmentWriter) -> CompletionOut:
    completed, number = await enrolment_handlers.complete(
        database, enrolment_id, on=body.completed_on, by=signature(caller), reach=reach_of(caller)
    )
    return CompletionOut(enrolment=EnrolmentOut.from_domain(completed), certificate_number=number)
