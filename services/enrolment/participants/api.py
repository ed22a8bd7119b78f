"""HTTP routes for participants: registration, behaviour assessments, reads and listing (a release or a transfer
is an enrolments' route)."""

from datetime import date, datetime
from typing import Annotated, Self

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from services.enrolment.callers import facility_of, facility_staff
from services.enrolment.participants import handlers
from services.enrolment.participants.domain import (
    Participant,
    ParticipantStatus,
    Registration,
    Releases,
    SecurityClassification,
)
from shared.http.api_keys import Caller
from shared.http.app import DatabaseDep
from shared.http.bounds import Day, PastDay
from shared.http.parameters import Filter, PathId
from shared.storage.pages import After, Limit, Page

router = APIRouter(tags=["participants"])


ParticipantWriter = Annotated[Caller, facility_staff("participants:write")]
ParticipantReader = Annotated[Caller, facility_staff("participants:read")]


def shows_participant(response: Response, participant_id: str) -> None:
    """Name the participant an answer shows (Content-Location): a replay of it for an Idempotency-Key reads the
    participant again, so that no copy of personal data is kept with the key (shared.http.idempotency)."""
    response.headers["Content-Location"] = f"/participants/{participant_id}"


class ParticipantRegistration(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "facility_id": "rutan-serang",
                    "registration_number": "BI.2026.0457",
                    "full_name": "Ahmad Fauzi",
                    "nik": "3604011203900001",
                    "date_of_birth": "1990-03-12",
                    "sentence_start": "2025-06-01",
                    "expected_release": "2028-05-31",
                    "security_classification": "minimum",
                }
            ]
        },
    )

    facility_id: str = Field(min_length=1, max_length=64)
    registration_number: str = Field(min_length=1, max_length=64, description="Nomor registrasi")
    full_name: str = Field(min_length=1, max_length=200)
    nik: str = Field(description="National identity number, 16 digits")
    date_of_birth: PastDay
    sentence_start: Day
    expected_release: Day
    security_classification: SecurityClassification
    behaviour_score: int | None = Field(None, ge=0, le=100, description="Latest SPPN behaviour score")
    behaviour_assessed_on: PastDay | None = None


class ParticipantOut(BaseModel):
    id: str
    facility_id: str
    registration_number: str
    full_name: str
    nik: str
    date_of_birth: date
    sentence_start: date
    expected_release: date
    security_classification: SecurityClassification
    status: ParticipantStatus
    registered_at: datetime
    behaviour_score: int | None
    behaviour_assessed_on: date | None

    @classmethod
    def from_domain(cls, participant: Participant) -> Self:
        return cls.model_validate(participant, from_attributes=True)


@router.post(
    "/participants",
    status_code=201,
    summary="Register a participant (WBP)",
    responses={409: {"description": "Registration number or NIK already registered"}},
)
async def register_participant(
    body: ParticipantRegistration, database: DatabaseDep, caller: ParticipantWriter, response: Response
) -> ParticipantOut:
    registration = Registration(**body.model_dump())
    participant = await handlers.register_participant(database, registration, facility=facility_of(caller))
    shows_participant(response, participant.id)
    return ParticipantOut.from_domain(participant)


class BehaviourAssessment(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"score": 82, "assessed_on": "2026-11-30", "security_classification": "minimum"}]
        },
    )

    score: int = Field(ge=0, le=100, description="SPPN behaviour score")
    assessed_on: Day
    security_classification: SecurityClassification | None = Field(
        None, description="the classification after this assessment, when it changed"
    )


@router.post(
    "/participants/{participant_id}/behaviour-assessments",
    summary="Record the facility's latest periodic (SPPN) behaviour assessment, and a changed classification",
    responses={
        404: {"description": "No such participant"},
        409: {"description": "Not in custody, or a later assessment is already recorded"},
    },
)
async def assess_behaviour(
    participant_id: PathId,
    body: BehaviourAssessment,
    database: DatabaseDep,
    caller: ParticipantWriter,
    response: Response,
) -> ParticipantOut:
    assessed = await handlers.assess_behaviour(
        database, participant_id, **body.model_dump(), facility=facility_of(caller)
    )
    shows_participant(response, assessed.id)
    return ParticipantOut.from_domain(assessed)


@router.get(
    "/participants/{participant_id}",
    summary="A participant's record, personal data included",
    responses={404: {"description": "No such participant"}},
)
async def get_participant(participant_id: PathId, database: DatabaseDep, caller: ParticipantReader) -> ParticipantOut:
    return ParticipantOut.from_domain(
        await handlers.participant(database, participant_id, facility=facility_of(caller))
    )


@router.get("/participants", summary="Participants, in registration order; an officer's key lists its facility only")
async def list_participants(
    database: DatabaseDep,
    caller: ParticipantReader,
    after: After = None,
    limit: Limit = 50,
    facility_id: Filter = None,
    status: ParticipantStatus | None = None,
) -> Page[ParticipantOut]:
    search = ParticipantSearch(facility_id=facility_id, status=status, after=after, limit=limit)
    return await search_participants(search, database, caller)


class ParticipantSearch(BaseModel):
    """A search by what identifies a person, sent in a body so that it never appears in a URL or its logs."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"q": "Siti", "facility_id": "rutan-serang", "limit": 20}]}
    )

    q: str | None = Field(None, min_length=2, max_length=100, description="name prefix, registration number or NIK")
    facility_id: str | None = Field(None, max_length=64)
    status: ParticipantStatus | None = None
    release_from: Day | None = Field(None, description="expected release on or after this day")
    release_until: Day | None = Field(None, description="expected release on or before this day")
    after: str | None = Field(None, max_length=64, description="The `next_cursor` of the previous page")
    limit: int = Field(50, ge=1, le=200)


@router.post(
    "/participants/search",
    summary="Participants matching a name prefix, registration number or NIK, or expected to be released within "
    "days given; an officer's key searches its facility only",
)
async def search_participants(
    search: ParticipantSearch, database: DatabaseDep, caller: ParticipantReader
) -> Page[ParticipantOut]:
    found, cursor = await handlers.participants_page(
        database,
        facility=facility_of(caller) or search.facility_id,
        status=search.status,
        search=search.q,
        releases=Releases(search.release_from, search.release_until),
        after=search.after,
        limit=search.limit,
    )
    return Page(items=[ParticipantOut.from_domain(participant) for participant in found], next_cursor=cursor)
