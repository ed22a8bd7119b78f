"""HTTP routes for training in progress: attendance, assessments, certificate verification."""

from datetime import date, timedelta
from typing import Annotated, Any, Self

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from services.enrolment.callers import facility_of, reach_of, signature, trainer_of
from services.enrolment.responses import NOT_FOUND, Id
from services.enrolment.training import handlers as training_handlers
from services.enrolment.training.domain import Absence
from shared.api_keys import Caller, scoped
from shared.http import DatabaseDep

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

    held_on: date
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


class VerificationOut(BaseModel):
    valid: bool
    programme: str | None
    agency_id: str | None
    issued_on: date | None

    @classmethod
    def from_domain(cls, verification: training_handlers.Verification) -> Self:
        return cls.model_validate(verification, from_attributes=True)


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
    cohort_id: Id,
    session: Annotated[int, Path(ge=1, le=1000)],
    body: SessionAttendance,
    request: Request,
    database: DatabaseDep,
    caller: Annotated[Caller, scoped("attendance:write")],
) -> dict[str, int]:
    marks = [(mark.enrolment_id, mark.attended, mark.absence) for mark in body.marks]
    recorded = await training_handlers.take_attendance(
        database,
        cohort_id,
        session=session,
        held_on=body.held_on,
        marks=marks,
        by=signature(caller),
        trainer=trainer_of(caller),
        facility=facility_of(caller),
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
    enrolment_id: Id, database: DatabaseDep, caller: Annotated[Caller, scoped("enrolments:read")]
) -> AttendanceOut:
    found = await training_handlers.attendance(database, enrolment_id, reach=reach_of(caller))
    marks = [
        {
            "session": m.session,
            "held_on": m.held_on,
            "attended": m.attended,
            "absence": m.absence,
            "recorded_by": m.recorded_by,
            "recorded_at": m.recorded_at,
        }
        for m in found.marks
    ]
    return AttendanceOut(
        marks=marks,
        running_rate=found.running_rate,
        programme_rate=found.programme_rate,
        required_rate=found.required_rate,
    )


@router.post(
    "/enrolments/{enrolment_id}/assessments",
    status_code=201,
    tags=["assessments"],
    summary="Assess one competency",
    responses=NOT_FOUND,
)
async def assess(
    enrolment_id: Id, body: AssessmentIn, database: DatabaseDep, caller: Annotated[Caller, scoped("assessments:write")]
) -> dict[str, list[str]]:
    passed = await training_handlers.assess(
        database,
        enrolment_id,
        **body.model_dump(),
        by=signature(caller),
        trainer=trainer_of(caller),
        facility=facility_of(caller),
    )
    return {"passed_competencies": sorted(passed)}


@router.get(
    "/certificates/{number}/verification",
    tags=["certificates"],
    summary="Public: is this certificate number valid? Programme, agency and date; nothing personal",
)
async def verify_certificate(number: Annotated[str, Path(max_length=32)], database: DatabaseDep) -> VerificationOut:
    return VerificationOut.from_domain(await training_handlers.verify_certificate(database, number))
