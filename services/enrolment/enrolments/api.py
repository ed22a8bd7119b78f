"""HTTP routes for enrolments: request, withdrawal, reads and listing; and the changes of a cohort (start, capacity,
close) or of a participant (release, transfer) that move enrolments."""

from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from services.enrolment.callers import facility_of, facility_staff, reach_of, sees_personal_data, signature
from services.enrolment.cohorts.api import CohortOut
from services.enrolment.enrolments import handlers
from services.enrolment.enrolments.domain import Enrolment, EnrolmentState, Override, Rule
from services.enrolment.participants.api import ParticipantOut, ParticipantWriter, shows_participant
from services.enrolment.responses import NOT_FOUND
from shared.http.api_keys import Caller, scoped
from shared.http.app import DatabaseDep
from shared.http.bounds import Day
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


class CohortStart(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"started_on": "2027-01-11"}]})

    started_on: Day


@router.post(
    "/cohorts/{cohort_id}/start",
    tags=["cohorts"],
    summary="Start a cohort: approved enrolments become active",
    responses={**NOT_FOUND, 409: {"description": "Already started"}},
)
async def start_cohort(
    cohort_id: PathId, body: CohortStart, database: DatabaseDep, caller: Annotated[Caller, scoped("cohorts:write")]
) -> CohortOut:
    started = await handlers.start_cohort(
        database, cohort_id, on=body.started_on, by=signature(caller), reach=reach_of(caller)
    )
    return CohortOut.from_domain(started)


class CapacityChange(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"capacity": 25}]})

    capacity: int = Field(ge=1, le=10_000)


class CohortClosing(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"closed_on": "2027-04-30"}]})

    closed_on: Day


@router.put(
    "/cohorts/{cohort_id}/capacity",
    tags=["cohorts"],
    summary="Change a cohort's capacity; added places go to the head of the waiting list",
    responses={**NOT_FOUND, 409: {"description": "The cohort is closed"}},
)
async def change_capacity(
    cohort_id: PathId, body: CapacityChange, database: DatabaseDep, caller: Annotated[Caller, scoped("cohorts:write")]
) -> CohortOut:
    changed = await handlers.change_capacity(
        database, cohort_id, capacity=body.capacity, by=signature(caller), reach=reach_of(caller)
    )
    return CohortOut.from_domain(changed)


@router.post(
    "/cohorts/{cohort_id}/close",
    tags=["cohorts"],
    summary="Close a cohort: training not completed ends, the waiting list is withdrawn",
    responses={**NOT_FOUND, 409: {"description": "Already closed"}},
)
async def close_cohort(
    cohort_id: PathId, body: CohortClosing, database: DatabaseDep, caller: Annotated[Caller, scoped("cohorts:write")]
) -> CohortOut:
    closed = await handlers.close_cohort(
        database, cohort_id, on=body.closed_on, by=signature(caller), reach=reach_of(caller)
    )
    return CohortOut.from_domain(closed)


class Release(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"released_on": "2026-12-01"}]})

    released_on: Day


class Transfer(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"to_facility_id": "lapas-cilegon", "transferred_on": "2026-12-01"}]},
    )

    to_facility_id: str = Field(min_length=1, max_length=64)
    transferred_on: Day


NOT_IN_CUSTODY: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such participant"},
    409: {"description": "The participant is no longer in custody"},
}


@router.post(
    "/participants/{participant_id}/release",
    tags=["participants"],
    summary="Release a participant from custody",
    responses=NOT_IN_CUSTODY,
)
async def release_participant(
    participant_id: PathId, body: Release, database: DatabaseDep, caller: ParticipantWriter, response: Response
) -> ParticipantOut:
    released = await handlers.release_participant(
        database, participant_id, **body.model_dump(), facility=facility_of(caller), by=signature(caller)
    )
    shows_participant(response, released.id)
    return ParticipantOut.from_domain(released)


@router.post(
    "/participants/{participant_id}/transfer",
    tags=["participants"],
    summary="Transfer a participant to another facility",
    responses=NOT_IN_CUSTODY,
)
async def transfer_participant(
    participant_id: PathId, body: Transfer, database: DatabaseDep, caller: ParticipantWriter, response: Response
) -> ParticipantOut:
    moved = await handlers.transfer_participant(
        database, participant_id, **body.model_dump(), facility=facility_of(caller), by=signature(caller)
    )
    shows_participant(response, moved.id)
    return ParticipantOut.from_domain(moved)
