"""HTTP routes for the reference data: facilities, partner agencies and skill tracks."""

from typing import Annotated, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.enrolment.references import handlers
from services.enrolment.references.domain import Facility, FacilityKind, PartnerAgency, SkillTrack
from shared.http.api_keys import Caller, scoped
from shared.http.app import DatabaseDep

router = APIRouter(tags=["reference data"])
ReferenceWriter = Annotated[Caller, scoped("reference:write")]
ReferenceReader = Annotated[Caller, scoped("reference:read")]


class FacilityIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"id": "lapas-cilegon", "name": "Lapas Kelas IIA Cilegon", "kind": "lapas", "regency": "Cilegon"}
            ]
        },
    )

    id: str = Field(min_length=1, max_length=64, description="lowercase words joined by dashes")
    name: str = Field(min_length=1, max_length=200)
    kind: FacilityKind
    regency: str = Field(min_length=1, max_length=100)

    @classmethod
    def from_domain(cls, facility: Facility) -> Self:
        return cls.model_validate(facility, from_attributes=True)


class AgencyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"id": "dinkes", "name": "Dinas Kesehatan", "short_name": "Dinkes", "regency": "Serang"}]
        },
    )

    id: str = Field(min_length=1, max_length=64, description="lowercase words joined by dashes")
    name: str = Field(min_length=1, max_length=200)
    short_name: str = Field(min_length=1, max_length=60)
    regency: str = Field(min_length=1, max_length=100)

    @classmethod
    def from_domain(cls, agency: PartnerAgency) -> Self:
        return cls.model_validate(agency, from_attributes=True)


class SkillTrackIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"id": "tailoring", "name": "Menjahit dan konveksi"}]}
    )

    id: str = Field(min_length=1, max_length=64, description="lowercase words joined by dashes or underscores")
    name: str = Field(min_length=1, max_length=200)

    @classmethod
    def from_domain(cls, track: SkillTrack) -> Self:
        return cls.model_validate(track, from_attributes=True)


@router.post(
    "/facilities",
    status_code=201,
    summary="Register a facility (Rutan or Lapas)",
    responses={409: {"description": "Already registered"}},
)
async def add_facility(body: FacilityIn, database: DatabaseDep, caller: ReferenceWriter) -> FacilityIn:
    await handlers.add_reference(database, Facility(**body.model_dump()))
    return body


@router.get("/facilities", summary="The facilities taking part")
async def list_facilities(database: DatabaseDep, caller: ReferenceReader) -> list[FacilityIn]:
    return [FacilityIn.from_domain(facility) for facility in await handlers.facilities(database)]


@router.post(
    "/agencies",
    status_code=201,
    summary="Register a partner agency (OPD)",
    responses={409: {"description": "Already registered"}},
)
async def add_agency(body: AgencyIn, database: DatabaseDep, caller: ReferenceWriter) -> AgencyIn:
    await handlers.add_reference(database, PartnerAgency(**body.model_dump()))
    return body


@router.get("/agencies", summary="The partner agencies taking part")
async def list_agencies(database: DatabaseDep, caller: ReferenceReader) -> list[AgencyIn]:
    return [AgencyIn.from_domain(agency) for agency in await handlers.agencies(database)]


@router.post(
    "/skill-tracks",
    status_code=201,
    summary="Add a skill track that programmes can belong to",
    responses={409: {"description": "Already registered"}},
)
async def add_skill_track(body: SkillTrackIn, database: DatabaseDep, caller: ReferenceWriter) -> SkillTrackIn:
    await handlers.add_reference(database, SkillTrack(**body.model_dump()))
    return body


@router.get("/skill-tracks", summary="The skill tracks programmes belong to")
async def list_skill_tracks(database: DatabaseDep, caller: ReferenceReader) -> list[SkillTrackIn]:
    return [SkillTrackIn.from_domain(track) for track in await handlers.skill_tracks(database)]
