"""HTTP routes for production's read model of enrolments: who may be credited, and on which days."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.production.callers import ProductionReader, facility_reach
from services.production.enrolments import handlers
from services.production.enrolments.domain import EnrolmentRecord
from shared.http.app import DatabaseDep
from shared.http.bounds import Day
from shared.http.parameters import PathId

router = APIRouter(tags=["crediting"])


class IntervalOut(BaseModel):
    first: date
    last: date | None


class KnownEnrolmentOut(BaseModel):
    id: str
    cohort_id: str
    programme_id: str
    facility_id: str | None
    active: list[IntervalOut]

    @classmethod
    def from_domain(cls, record: EnrolmentRecord, facility_id: str | None) -> "KnownEnrolmentOut":
        active = [IntervalOut(first=interval.first, last=interval.last) for interval in record.intervals]
        return cls(
            id=record.id,
            cohort_id=record.cohort_id,
            programme_id=record.programme_id,
            facility_id=facility_id,
            active=active,
        )


class StandingOut(BaseModel):
    participant_id: str
    programme_id: str
    on: date
    creditable: bool
    cohort_id: str | None = Field(description="the cohort a credit that day would go through")
    reason: str | None


@router.get(
    "/participants/{participant_id}/enrolments",
    summary="A participant's enrolments as production learnt them, with the days each was active; a facility "
    "officer's key lists those in cohorts at its facility",
)
async def known_enrolments(
    participant_id: PathId, database: DatabaseDep, caller: ProductionReader
) -> list[KnownEnrolmentOut]:
    found = await handlers.known_enrolments(database, participant_id, reach=facility_reach(caller))
    return [KnownEnrolmentOut.from_domain(record, facility_id) for record, facility_id in found]


@router.get(
    "/participants/{participant_id}/standing",
    summary="Whether a participant may be credited with production of a programme on a day, and why not",
    responses={404: {"description": "A facility beyond the key's reach (`field: facility_id`)"}},
)
async def standing(
    participant_id: PathId,
    programme_id: Annotated[str, Query(min_length=1, max_length=64)],
    on: Day,
    database: DatabaseDep,
    caller: ProductionReader,
    facility_id: Annotated[
        str | None, Query(max_length=64, description="count only cohorts at this facility, as a site's crediting does")
    ] = None,
) -> StandingOut:
    found = await handlers.standing_of(
        database,
        participant_id,
        reach=facility_reach(caller),
        programme_id=programme_id,
        on=on,
        facility_id=facility_id,
    )
    return StandingOut(
        participant_id=participant_id,
        programme_id=programme_id,
        on=on,
        creditable=found.refusal is None,
        cohort_id=found.cohort_id,
        reason=found.refusal,
    )
