"""HTTP routes for programmes: define, publish, revise, read and list."""

from datetime import datetime
from typing import Annotated, Any, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.enrolment.callers import programme_writer, reach_of
from services.enrolment.participants.domain import SecurityClassification
from services.enrolment.programmes import handlers
from services.enrolment.programmes.domain import Eligibility, Programme, ProgrammeStatus
from services.enrolment.responses import NOT_FOUND
from shared.http.api_keys import Caller, scoped
from shared.http.app import DatabaseDep
from shared.http.bounds import Count
from shared.http.parameters import Filter, PathId
from shared.storage.pages import After, Limit, Page

router = APIRouter()


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
    duration_hours: Count = Field(description="BNSP certification typically needs 160 hours")
    sessions: Count
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


@router.post("/programmes", status_code=201, tags=["programmes"], summary="Define a programme (draft)")
async def define_programme(
    body: ProgrammeDefinition, database: DatabaseDep, caller: Annotated[Caller, scoped("programmes:write")]
) -> ProgrammeOut:
    definition = body.model_dump(exclude={"eligibility"})
    programme = await handlers.define_programme(
        database, **definition, eligibility=body.eligibility.to_domain(), agency=programme_writer(caller)
    )
    return ProgrammeOut.from_domain(programme)


@router.post(
    "/programmes/{programme_id}/publish",
    tags=["programmes"],
    summary="Publish a programme",
    responses={**NOT_FOUND, 409: {"description": "Already published"}},
)
async def publish_programme(
    programme_id: PathId, database: DatabaseDep, caller: Annotated[Caller, scoped("programmes:write")]
) -> ProgrammeOut:
    published = await handlers.publish_programme(database, programme_id, agency=programme_writer(caller))
    return ProgrammeOut.from_domain(published)


@router.get(
    "/programmes/{programme_id}",
    tags=["programmes"],
    summary="A programme; an agency's key reads its own, officers' and trainers' keys published ones",
    responses=NOT_FOUND,
)
async def get_programme(
    programme_id: PathId, database: DatabaseDep, caller: Annotated[Caller, scoped("programmes:read")]
) -> ProgrammeOut:
    return ProgrammeOut.from_domain(await handlers.programme(database, programme_id, reach=reach_of(caller)))


@router.get(
    "/programmes",
    tags=["programmes"],
    summary="Programmes; an agency's key lists its own, officers' and trainers' keys published ones",
)
async def list_programmes(
    database: DatabaseDep,
    caller: Annotated[Caller, scoped("programmes:read")],
    after: After = None,
    limit: Limit = 50,
    agency_id: Filter = None,
    status: ProgrammeStatus | None = None,
) -> Page[ProgrammeOut]:
    found, cursor = await handlers.programmes_page(
        database, reach=reach_of(caller), agency_id=agency_id, status=status, after=after, limit=limit
    )
    return Page(items=[ProgrammeOut.from_domain(programme) for programme in found], next_cursor=cursor)


class ProgrammeRevision(BaseModel):
    """Only the fields given change; the same rules as for a new programme apply."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"duration_hours": 170, "competencies": ["nutrient mixing", "seedling care", "harvesting", "selling"]}
            ]
        },
    )

    name: str | None = Field(None, min_length=1, max_length=200)
    skill_track: str | None = Field(None, min_length=1, max_length=64)
    duration_hours: Count | None = None
    sessions: Count | None = None
    competencies: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = None
    minimum_attendance_rate: float | None = None
    earns_premi: bool | None = None
    eligibility: EligibilityIn | None = None

    @field_validator("*", mode="before")
    @classmethod
    def left_out_not_null(cls, value: Any) -> Any:
        """A field left out keeps its value; null would clear one every programme needs."""
        if value is None:
            raise ValueError("leave the field out to keep it; it cannot be null")
        return value


@router.patch(
    "/programmes/{programme_id}",
    tags=["programmes"],
    responses=NOT_FOUND,
    summary="Revise a programme; a published one announces the change",
)
async def revise_programme(
    programme_id: PathId,
    body: ProgrammeRevision,
    database: DatabaseDep,
    caller: Annotated[Caller, scoped("programmes:write")],
) -> ProgrammeOut:
    changes = body.model_dump(exclude_unset=True, exclude={"eligibility"})
    if body.eligibility is not None:
        changes["eligibility"] = body.eligibility.to_domain()
    revised = await handlers.revise_programme(database, programme_id, agency=programme_writer(caller), **changes)
    return ProgrammeOut.from_domain(revised)
