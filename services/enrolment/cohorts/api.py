"""HTTP routes for cohorts: open, read and list (a cohort's start, capacity and close are enrolments' routes)."""

from datetime import date
from typing import Annotated, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.enrolment.callers import cohort_opener, reach_of
from services.enrolment.cohorts import handlers
from services.enrolment.cohorts.domain import Cohort
from services.enrolment.responses import NOT_FOUND
from shared.http.api_keys import Caller, scoped
from shared.http.app import DatabaseDep
from shared.http.bounds import Count, Day
from shared.http.parameters import Filter, PathId
from shared.storage.pages import After, Limit, Page

router = APIRouter()


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
    starts_on: Day
    ends_on: Day
    capacity: Count
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
    started_on: date | None
    closed_on: date | None
    approved: list[str] = Field(description="enrolment ids holding a place")
    waitlist: list[str] = Field(description="enrolment ids waiting, first in line first")

    @classmethod
    def from_domain(cls, cohort: Cohort) -> Self:
        return cls.model_validate({**vars(cohort), "places_left": cohort.places_left})


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
    cohort_opener(caller)
    opened = await handlers.open_cohort(database, **body.model_dump(), reach=reach_of(caller))
    return CohortOut.from_domain(opened)


@router.get(
    "/cohorts/{cohort_id}",
    tags=["cohorts"],
    summary="A cohort with its places and waiting list; one beyond the key's reach is not found",
    responses=NOT_FOUND,
)
async def get_cohort(
    cohort_id: PathId, database: DatabaseDep, caller: Annotated[Caller, scoped("cohorts:read")]
) -> CohortOut:
    return CohortOut.from_domain(await handlers.cohort(database, cohort_id, reach=reach_of(caller)))


@router.get(
    "/cohorts", tags=["cohorts"], summary="Cohorts, in the order they opened; a key lists those within its reach"
)
async def list_cohorts(
    database: DatabaseDep,
    caller: Annotated[Caller, scoped("cohorts:read")],
    after: After = None,
    limit: Limit = 50,
    programme_id: Filter = None,
    facility_id: Filter = None,
    agency_id: Filter = None,
) -> Page[CohortOut]:
    found, cursor = await handlers.cohorts_page(
        database,
        reach=reach_of(caller),
        programme_id=programme_id,
        facility_id=facility_id,
        agency_id=agency_id,
        after=after,
        limit=limit,
    )
    return Page(items=[CohortOut.from_domain(cohort) for cohort in found], next_cursor=cursor)
