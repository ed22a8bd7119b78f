"""HTTP routes for programmes, cohorts and enrolments."""

from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from services.enrolment import figures, handlers, listings
from services.enrolment.callers import agency_of, facility_of, signature
from services.enrolment.cohorts import Cohort
from services.enrolment.domain import SecurityClassification
from services.enrolment.enrolments import Enrolment, EnrolmentState, Override, Rule
from services.enrolment.programmes import Eligibility, Programme, ProgrammeStatus
from shared.api_keys import Caller, scoped
from shared.http import DatabaseDep
from shared.pages import After, Limit, Page

router = APIRouter()
Id = Annotated[str, Path(max_length=64)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such programme, cohort or enrolment"}}


class EligibilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    allowed_classifications: list[SecurityClassification] = Field(default_factory=lambda: list(SecurityClassification))
    minimum_age: int | None = Field(None, ge=0, le=120)
    prerequisite_programme_ids: list[str] = []
    minimum_behaviour_score: int | None = Field(None, ge=0, le=100)
    sentence_must_cover_course: bool = True

    def to_domain(self) -> Eligibility:
        values = self.model_dump()
        values["allowed_classifications"] = frozenset(self.allowed_classifications)
        values["prerequisite_programme_ids"] = frozenset(self.prerequisite_programme_ids)
        return Eligibility(**values)


class ProgrammeDefinition(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "agency_id": "dkpp",
                    "name": "Hidroponik sayuran",
                    "skill_track": "agriculture",
                    "duration_hours": 160,
                    "sessions": 40,
                    "competencies": ["nutrient mixing", "seedling care", "harvest handling"],
                    "minimum_attendance_rate": 0.8,
                    "earns_premi": True,
                    "eligibility": {
                        "allowed_classifications": ["minimum", "medium"],
                        "minimum_age": 18,
                        "minimum_behaviour_score": 60,
                    },
                }
            ]
        },
    )

    agency_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    skill_track: str = Field(min_length=1, max_length=64, description="agriculture, fisheries, umkm_production, ...")
    duration_hours: int = Field(description="BNSP certification typically needs 160 hours")
    sessions: int
    competencies: list[Annotated[str, Field(min_length=1, max_length=200)]]
    minimum_attendance_rate: float
    earns_premi: bool
    eligibility: EligibilityIn = EligibilityIn()


class ProgrammeOut(BaseModel):
    id: str
    agency_id: str
    name: str
    skill_track: str
    duration_hours: int
    sessions: int
    competencies: list[str]
    minimum_attendance_rate: float
    earns_premi: bool
    eligibility: EligibilityIn
    status: ProgrammeStatus
    created_at: datetime
    published_at: datetime | None

    @classmethod
    def from_domain(cls, programme: Programme) -> Self:
        rules = programme.eligibility
        eligibility = EligibilityIn(
            allowed_classifications=sorted(rules.allowed_classifications),
            minimum_age=rules.minimum_age,
            prerequisite_programme_ids=sorted(rules.prerequisite_programme_ids),
            minimum_behaviour_score=rules.minimum_behaviour_score,
            sentence_must_cover_course=rules.sentence_must_cover_course,
        )
        return cls.model_validate({**vars(programme), "eligibility": eligibility})


class CohortOpening(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "programme_id": "5f0c...",
                    "facility_id": "rutan-serang",
                    "starts_on": "2027-01-11",
                    "ends_on": "2027-04-30",
                    "capacity": 20,
                    "trainer_ids": ["dkpp-trainer-1"],
                    "place": "greenhouse A",
                }
            ]
        },
    )

    programme_id: str = Field(min_length=1, max_length=64)
    facility_id: str = Field(min_length=1, max_length=64)
    starts_on: date
    ends_on: date
    capacity: int
    trainer_ids: list[str] = []
    place: str = Field(min_length=1, max_length=200, description="plot, pond or workshop")


class CohortOut(BaseModel):
    id: str
    programme_id: str
    agency_id: str
    facility_id: str
    starts_on: date
    ends_on: date
    capacity: int
    places_left: int
    trainer_ids: list[str]
    place: str
    approved: list[str] = Field(description="enrolment ids holding a place")
    waitlist: list[str] = Field(description="enrolment ids waiting, first in line first")

    @classmethod
    def from_domain(cls, cohort: Cohort) -> Self:
        return cls.model_validate({**vars(cohort), "places_left": cohort.places_left})


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
    state: EnrolmentState
    failed_rules: list[dict[str, str]]
    overrides: list[dict[str, str]]
    history: list[dict[str, Any]] = Field(description="every transition: state, at, by, reason")

    @classmethod
    def from_domain(cls, enrolment: Enrolment) -> Self:
        return cls(
            id=enrolment.id,
            participant_id=enrolment.participant_id,
            cohort_id=enrolment.cohort_id,
            programme_id=enrolment.programme_id,
            state=enrolment.state,
            failed_rules=[{"rule": f.rule.value, "detail": f.detail} for f in enrolment.failed_rules],
            overrides=[{"rule": o.rule.value, "reason": o.reason} for o in enrolment.overrides],
            history=[{"state": t.state.value, "at": t.at, "by": t.by, "reason": t.reason} for t in enrolment.history],
        )


@router.post("/programmes", status_code=201, tags=["programmes"], summary="Define a programme (draft)")
async def define_programme(
    body: ProgrammeDefinition, database: DatabaseDep, caller: Annotated[Caller, scoped("programmes:write")]
) -> ProgrammeOut:
    definition = body.model_dump(exclude={"eligibility"})
    programme = await handlers.define_programme(database, **definition, eligibility=body.eligibility.to_domain())
    return ProgrammeOut.from_domain(programme)


@router.post(
    "/programmes/{programme_id}/publish",
    tags=["programmes"],
    summary="Publish a programme",
    responses={**NOT_FOUND, 409: {"description": "Already published"}},
)
async def publish_programme(
    programme_id: Id, database: DatabaseDep, caller: Annotated[Caller, scoped("programmes:write")]
) -> ProgrammeOut:
    return ProgrammeOut.from_domain(await handlers.publish_programme(database, programme_id))


@router.get("/programmes/{programme_id}", tags=["programmes"], summary="A programme", responses=NOT_FOUND)
async def get_programme(
    programme_id: Id, database: DatabaseDep, caller: Annotated[Caller, scoped("programmes:read")]
) -> ProgrammeOut:
    return ProgrammeOut.from_domain(await handlers.programme(database, programme_id))


@router.post(
    "/cohorts",
    status_code=201,
    tags=["cohorts"],
    summary="Open a cohort of a published programme",
    responses={**NOT_FOUND, 409: {"description": "The programme is not published"}},
)
async def open_cohort(
    body: CohortOpening, database: DatabaseDep, caller: Annotated[Caller, scoped("cohorts:write")]
) -> CohortOut:
    return CohortOut.from_domain(await handlers.open_cohort(database, **body.model_dump()))


@router.get(
    "/cohorts/{cohort_id}", tags=["cohorts"], summary="A cohort with its places and waiting list", responses=NOT_FOUND
)
async def get_cohort(
    cohort_id: Id, database: DatabaseDep, caller: Annotated[Caller, scoped("cohorts:read")]
) -> CohortOut:
    return CohortOut.from_domain(await handlers.cohort(database, cohort_id))


@router.post(
    "/enrolments",
    status_code=201,
    tags=["enrolments"],
    summary="Request an enrolment: screened, then approved, waitlisted or rejected",
    responses={**NOT_FOUND, 409: {"description": "Already enrolled in this cohort"}},
)
async def request_enrolment(
    body: EnrolmentRequest, database: DatabaseDep, caller: Annotated[Caller, scoped("enrolments:write")]
) -> EnrolmentOut:
    overrides = [Override(item.rule, item.reason) for item in body.overrides]
    enrolment = await handlers.request_enrolment(
        database,
        participant_id=body.participant_id,
        cohort_id=body.cohort_id,
        overrides=overrides,
        by=signature(caller),
        facility=facility_of(caller),
    )
    return EnrolmentOut.from_domain(enrolment)


@router.post(
    "/enrolments/{enrolment_id}/withdraw",
    tags=["enrolments"],
    summary="Withdraw an enrolment; a freed place goes to the head of the waiting list",
    responses={**NOT_FOUND, 409: {"description": "The enrolment cannot be withdrawn in its state"}},
)
async def withdraw_enrolment(
    enrolment_id: Id, body: Withdrawal, database: DatabaseDep, caller: Annotated[Caller, scoped("enrolments:write")]
) -> EnrolmentOut:
    withdrawn = await handlers.withdraw_enrolment(
        database, enrolment_id, by_participant=body.by == "participant", reason=body.reason, by=signature(caller)
    )
    return EnrolmentOut.from_domain(withdrawn)


@router.get(
    "/enrolments/{enrolment_id}", tags=["enrolments"], summary="An enrolment with its history", responses=NOT_FOUND
)
async def get_enrolment(
    enrolment_id: Id, database: DatabaseDep, caller: Annotated[Caller, scoped("enrolments:read")]
) -> EnrolmentOut:
    return EnrolmentOut.from_domain(await handlers.enrolment(database, enrolment_id))


Filter = Annotated[str | None, Query(max_length=64)]


@router.get("/programmes", tags=["programmes"], summary="Programmes; an agency's key lists its own only")
async def list_programmes(
    database: DatabaseDep,
    caller: Annotated[Caller, scoped("programmes:read")],
    after: After = None,
    limit: Limit = 50,
    agency_id: Filter = None,
    status: ProgrammeStatus | None = None,
) -> Page[ProgrammeOut]:
    agency = agency_of(caller) or agency_id
    found, cursor = await listings.programmes(database, agency_id=agency, status=status, after=after, limit=limit)
    return Page(items=[ProgrammeOut.from_domain(programme) for programme in found], next_cursor=cursor)


@router.get("/cohorts", tags=["cohorts"], summary="Cohorts, in the order they opened")
async def list_cohorts(
    database: DatabaseDep,
    caller: Annotated[Caller, scoped("cohorts:read")],
    after: After = None,
    limit: Limit = 50,
    programme_id: Filter = None,
    facility_id: Filter = None,
) -> Page[CohortOut]:
    found, cursor = await listings.cohorts(
        database, programme_id=programme_id, facility_id=facility_id, after=after, limit=limit
    )
    return Page(items=[CohortOut.from_domain(cohort) for cohort in found], next_cursor=cursor)


@router.get("/enrolments", tags=["enrolments"], summary="Enrolments, in request order, by cohort, participant or state")
async def list_enrolments(
    database: DatabaseDep,
    caller: Annotated[Caller, scoped("enrolments:read")],
    after: After = None,
    limit: Limit = 50,
    cohort_id: Filter = None,
    participant_id: Filter = None,
    state: EnrolmentState | None = None,
) -> Page[EnrolmentOut]:
    found, cursor = await listings.enrolments(
        database, cohort_id=cohort_id, participant_id=participant_id, state=state, after=after, limit=limit
    )
    return Page(items=[EnrolmentOut.from_domain(enrolment) for enrolment in found], next_cursor=cursor)


class FiguresOut(BaseModel):
    programme_id: str
    enrolled: int
    in_training: int
    completed: int
    ended: int
    waitlisted: int
    completion_rate: float | None = Field(description="completed over enrolments that finished (completed or ended)")

    @classmethod
    def from_domain(cls, found: figures.Figures) -> Self:
        return cls.model_validate({**vars(found), "completion_rate": found.completion_rate})


@router.get(
    "/programmes/{programme_id}/figures",
    tags=["figures"],
    responses=NOT_FOUND,
    summary="A programme's enrolment figures; an agency's key reads its own programmes only",
)
async def programme_figures(
    programme_id: Id, database: DatabaseDep, caller: Annotated[Caller, scoped("figures:read")]
) -> FiguresOut:
    found = await figures.programme_figures(database, programme_id, agency=agency_of(caller))
    return FiguresOut.from_domain(found)


@router.get("/figures", tags=["figures"], summary="Every programme's figures, for the directorate's reporting")
async def all_figures(
    database: DatabaseDep, caller: Annotated[Caller, scoped("reports:read")], facility_id: Filter = None
) -> list[FiguresOut]:
    return [FiguresOut.from_domain(found) for found in await figures.all_figures(database, facility_id=facility_id)]
