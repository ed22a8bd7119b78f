"""HTTP routes for training in progress: attendance, assessments, suspension, resumption, end and completion."""

from dataclasses import asdict
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from services.enrolment.callers import reach_of, signature
from services.enrolment.enrolments.api import EnrolmentOut, EnrolmentWriter
from services.enrolment.enrolments.domain import EndReason
from services.enrolment.responses import NOT_ACTIVE, NOT_FOUND
from services.enrolment.training import handlers
from services.enrolment.training.domain import Absence
from shared.http.api_keys import Caller, scoped
from shared.http.app import DatabaseDep
from shared.http.bounds import Day
from shared.http.parameters import PathId

router = APIRouter()


def edit_window(request: Request) -> timedelta:
    return timedelta(days=request.app.state.runtime.settings.attendance_edit_days)


class MarkIn(BaseModel):
    enrolment_id: str = Field(min_length=1, max_length=64)
    attended: bool
    absence: Absence | None = Field(None, description="required when not attended")


class SessionAttendance(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "held_on": "2027-01-12",
                    "marks": [
                        {"enrolment_id": "e-1", "attended": True},
                        {"enrolment_id": "e-2", "attended": False, "absence": "sick"},
                    ],
                }
            ]
        },
    )

    held_on: Day
    marks: list[MarkIn] = Field(min_length=1, max_length=500)


class AttendanceOut(BaseModel):
    marks: list[dict[str, Any]]
    running_rate: float | None = Field(description="attended over sessions held so far")
    programme_rate: float = Field(description="attended over the programme's sessions; completion is judged on it")
    required_rate: float


class AssessmentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"competency": "nutrient mixing", "passed": True, "score": 82}]}
    )

    competency: str = Field(min_length=1, max_length=200)
    passed: bool
    score: float | None = Field(None, ge=0, le=100)


@router.put(
    "/cohorts/{cohort_id}/sessions/{session}/attendance",
    tags=["attendance"],
    summary="Record or correct a session's attendance (within the edit window)",
    responses={
        **NOT_FOUND,
        403: {"description": "Not this cohort's trainer"},
        409: {"description": "The edit window has closed"},
    },
)
async def take_attendance(
    cohort_id: PathId,
    session: Annotated[int, Path(ge=1, le=1000)],
    body: SessionAttendance,
    request: Request,
    database: DatabaseDep,
    caller: Annotated[Caller, scoped("attendance:write")],
) -> dict[str, int]:
    marks = [(mark.enrolment_id, mark.attended, mark.absence) for mark in body.marks]
    recorded = await handlers.take_attendance(
        database,
        cohort_id,
        session=session,
        held_on=body.held_on,
        marks=marks,
        by=signature(caller),
        reach=reach_of(caller),
        window=edit_window(request),
    )
    return {"recorded": recorded}


@router.get(
    "/enrolments/{enrolment_id}/attendance",
    tags=["attendance"],
    summary="An enrolment's attendance and rates",
    responses=NOT_FOUND,
)
async def get_attendance(
    enrolment_id: PathId, database: DatabaseDep, caller: Annotated[Caller, scoped("enrolments:read")]
) -> AttendanceOut:
    found = await handlers.attendance(database, enrolment_id, reach=reach_of(caller))
    return AttendanceOut.model_validate(asdict(found))


@router.post(
    "/enrolments/{enrolment_id}/assessments",
    status_code=201,
    tags=["assessments"],
    summary="Assess one competency",
    responses=NOT_FOUND,
)
async def assess(
    enrolment_id: PathId,
    body: AssessmentIn,
    database: DatabaseDep,
    caller: Annotated[Caller, scoped("assessments:write")],
) -> dict[str, list[str]]:
    passed = await handlers.assess_competency(
        database,
        enrolment_id,
        **body.model_dump(),
        by=signature(caller),
        reach=reach_of(caller),
    )
    return {"passed_competencies": sorted(passed)}


class Suspension(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"suspended_on": "2027-02-01", "with_premi": False, "reason": "isolation after a fight"}]
        },
    )

    suspended_on: Day
    with_premi: bool
    reason: str = Field(min_length=3, max_length=500)


class Resumption(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"resumed_on": "2027-02-15"}]})

    resumed_on: Day


class Ending(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"ended_on": "2027-03-01", "reason": "health", "note": "referred to the clinic for surgery"}]
        },
    )

    ended_on: Day
    reason: EndReason
    note: str | None = Field(None, max_length=500)


class Completion(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"completed_on": "2027-04-30"}]})

    completed_on: Day


class CompletionOut(BaseModel):
    enrolment: EnrolmentOut
    certificate_number: str


@router.post(
    "/enrolments/{enrolment_id}/suspend",
    tags=["enrolments"],
    summary="Suspend training, with or without premi",
    responses=NOT_ACTIVE,
)
async def suspend(
    enrolment_id: PathId, body: Suspension, database: DatabaseDep, caller: EnrolmentWriter
) -> EnrolmentOut:
    suspended = await handlers.suspend_enrolment(
        database,
        enrolment_id,
        on=body.suspended_on,
        with_premi=body.with_premi,
        reason=body.reason,
        by=signature(caller),
        reach=reach_of(caller),
    )
    return EnrolmentOut.shown_to(caller, suspended)


@router.post(
    "/enrolments/{enrolment_id}/resume", tags=["enrolments"], summary="Resume suspended training", responses=NOT_ACTIVE
)
async def resume(
    enrolment_id: PathId, body: Resumption, database: DatabaseDep, caller: EnrolmentWriter
) -> EnrolmentOut:
    resumed = await handlers.resume_enrolment(
        database, enrolment_id, on=body.resumed_on, by=signature(caller), reach=reach_of(caller)
    )
    return EnrolmentOut.shown_to(caller, resumed)


@router.post(
    "/enrolments/{enrolment_id}/end",
    tags=["enrolments"],
    summary="End training without completion, with a reason; the place goes to the waiting list",
    responses=NOT_ACTIVE,
)
async def end(enrolment_id: PathId, body: Ending, database: DatabaseDep, caller: EnrolmentWriter) -> EnrolmentOut:
    ended = await handlers.end_training(
        database,
        enrolment_id,
        on=body.ended_on,
        reason=body.reason,
        note=body.note,
        by=signature(caller),
        reach=reach_of(caller),
    )
    return EnrolmentOut.shown_to(caller, ended)


@router.post(
    "/enrolments/{enrolment_id}/complete",
    tags=["enrolments"],
    summary="Complete an enrolment and issue its certificate",
    responses={**NOT_FOUND, 409: {"description": "Attendance or competencies not met, or not active"}},
)
async def complete(
    enrolment_id: PathId, body: Completion, database: DatabaseDep, caller: EnrolmentWriter
) -> CompletionOut:
    completed, number = await handlers.complete_enrolment(
        database, enrolment_id, on=body.completed_on, by=signature(caller), reach=reach_of(caller)
    )
    return CompletionOut(enrolment=EnrolmentOut.shown_to(caller, completed), certificate_number=number)
