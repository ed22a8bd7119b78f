"""HTTP routes for figures: one programme's for its agency, every programme's for the directorate's reporting."""

from typing import Annotated, Self

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.enrolment.callers import figures_agency
from services.enrolment.figures import handlers
from services.enrolment.figures.domain import Figures
from services.enrolment.responses import NOT_FOUND
from shared.http.api_keys import Caller, scoped
from shared.http.app import DatabaseDep
from shared.http.parameters import Filter, PathId

router = APIRouter()


class FiguresOut(BaseModel):
    programme_id: str
    enrolled: int
    in_training: int
    completed: int
    ended: int
    waitlisted: int
    completion_rate: float | None = Field(description="completed over enrolments that finished (completed or ended)")

    @classmethod
    def from_domain(cls, found: Figures) -> Self:
        return cls.model_validate({**vars(found), "completion_rate": found.completion_rate})


@router.get(
    "/programmes/{programme_id}/figures",
    tags=["figures"],
    responses=NOT_FOUND,
    summary="A programme's enrolment figures; an agency's key reads its own programmes only, staff's any, and any "
    "other key none",
)
async def programme_figures(
    programme_id: PathId, database: DatabaseDep, caller: Annotated[Caller, scoped("figures:read")]
) -> FiguresOut:
    found = await handlers.programme_figures(database, programme_id, agency=figures_agency(caller))
    return FiguresOut.from_domain(found)


@router.get(
    "/figures",
    tags=["figures"],
    summary="Every programme's figures, for the directorate's reporting: platform staff's; any other key's list is "
    "empty",
)
async def all_figures(
    database: DatabaseDep, caller: Annotated[Caller, scoped("reports:read")], facility_id: Filter = None
) -> list[FiguresOut]:
    found = await handlers.all_figures(database, facility_id=facility_id, everywhere=caller.staff)
    return [FiguresOut.from_domain(figures) for figures in found]
