"""HTTP routes for enrolments: request, withdrawal, reads and listing."""

from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.enrolment.callers import facility_staff, reach_of, sees_personal_data, signature
from services.enrolment.enrolments import handlers
from services.enrolment.enrolments.domain import Enrolment, EnrolmentState, Override, Rule
from services.enrolment.responses import NOT_FOUND
from shared.http.api_keys import Caller, scoped
from shared.http.app import DatabaseDep
from shared.http.parameters import Filter, PathId
from shared.storage.pages import After, Limit, Page

router = APIRouter()


class OverrideIn(BaseModel):
    rule: Rule
    reason: str = Field(min_length=3, max_length=500)


class EnrolmentRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "participant_id": "1f01dd06-...",
                    "cohort_id": "8d2e...",
                    "overrides": [{"rule": "behaviour_score", "reason": "score raised at last week's SPPN review"}],
                }
            ]
        },
    )

    participant_id: str = Field(min_length=1, max_length=64)
    cohort_id: str = Field(min_length=1, max_length=64)
    overrides: list[OverrideIn] = []


class Withdrawal(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"by": "participant", "reason": "asked to join the catfish cohort instead"}]},
    )

    by: Literal["participant", "staff"]
    reason: str = Field(min_length=3, max_length=500)


class EnrolmentOut(BaseModel):
    id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    facility_id: str = Field(description="the cohort's facility, where the participant is held")
    state: EnrolmentState
    failed_rules: list[dict[str, str]]
    overrides: list[dict[str, str]]
    history: list[dict[str, Any]] = Field(description="every transition: state, at, by, reason")

    @classmethod
    def from_domain(cls, enrolment: Enrolment, *, details: bool) -> Self:
        """Without `details` (for partner-agency and trainer keys) failed rules and overrides are named, and
        neither screening's findings about the person nor what staff wrote (reasons, notes) are shown."""
        return cls(
            id=enrolment.id,
            participant_id=enrolment.participant_id,
            cohort_id=enrolment.cohort_id,
            programme_id=enrolment.programme_id,
            facility_id=enrolment.facility_id,
            state=enrolment.state,
            failed_rules=[
                {"rule": f.rule.value} | ({"detail": f.detail} if details else {}) for f in enrolment.failed_rules
            ],
            overrides=[{"rule": o.rule.value} | ({"reason": o.reason} if details else {}) for o in enrolment.overrides],
            history=[
                {"state": t.state.value, "at": t.at, "by": t.by, "reason": t.reason if details else None}
                for t in enrolment.history
            ],
        )

    @classmethod
    def shown_to(cls, caller: Caller, enrolment: Enrolment) -> Self:
        return cls.from_domain(enrolment, details=sees_personal_data(caller))


EnrolmentWriter = Annotated[Caller, scoped("enrolments:write")]


@router.post(
    "/enrolments",
    status_code=201,
    tags=["enrolments"],
    summary="Request an enrolment: screened, then approved (active at once in a started cohort), waitlisted or "
    "rejected; facility officers and directorate staff only",
    responses={
        **NOT_FOUND,
        403: {"description": "A partner agency's or a trainer's key"},
        409: {"description": "Already enrolled in this cohort"},
    },
)
async def request_enrolment(
    body: EnrolmentRequest, database: DatabaseDep, caller: Annotated[Caller, facility_staff("enrolments:write")]
) -> EnrolmentOut:
    overrides = [Override(item.rule, item.reason) for item in body.overrides]
    enrolment = await handlers.request_enrolment(
        database,
        participant_id=body.participant_id,
        cohort_id=body.cohort_id,
        overrides=overrides,
        by=signature(caller),
        reach=reach_of(caller),
    )
    return EnrolmentOut.shown_to(caller, enrolment)


@router.post(
    "/enrolments/{enrolment_id}/withdraw",
    tags=["enrolments"],
    summary="Withdraw an enrolment; a freed place goes to the head of the waiting list",
    responses={**NOT_FOUND, 409: {"description": "The enrolment cannot be withdrawn in its state"}},
)
async def withdraw_enrolment(
    enrolment_id: PathId, body: Withdrawal, database: DatabaseDep, caller: EnrolmentWriter
) -> EnrolmentOut:
    withdrawn = await handlers.withdraw_enrolment(
        database,
        enrolment_id,
        by_participant=body.by == "participant",
        reason=body.reason,
        by=signature(caller),
        reach=reach_of(caller),
    )
    return EnrolmentOut.shown_to(caller, withdrawn)


@router.get(
    "/enrolments/{enrolment_id}", tags=["enrolments"], summary="An enrolment with its history", responses=NOT_FOUND
)
async def get_enrolment(
    enrolment_id: PathId, database: DatabaseDep, caller: Annotated[Caller, scoped("enrolments:read")]
) -> EnrolmentOut:
    return EnrolmentOut.shown_to(caller, await handlers.enrolment(database, enrolment_id, reach=reach_of(caller)))


@router.get(
    "/enrolments",
    tags=["enrolments"],
    summary="Enrolments, in request order, by cohort, participant or state; a key sees those within its reach",
)
async def list_enrolments(
    database: DatabaseDep,
    caller: Annotated[Caller, scoped("enrolments:read")],
    after: After = None,
    limit: Limit = 50,
    cohort_id: Filter = None,
    participant_id: Filter = None,
    state: EnrolmentState | None = None,
) -> Page[EnrolmentOut]:
    found, cursor = await handlers.enrolments_page(
        database,
        reach=reach_of(caller),
        cohort_id=cohort_id,
        participant_id=participant_id,
        state=state,
        after=after,
        limit=limit,
    )
    return Page(items=[EnrolmentOut.shown_to(caller, enrolment) for enrolment in found], next_cursor=cursor)
