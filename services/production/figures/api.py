"""HTTP routes for production figures; scope `figures:read`, and an agency's key reads its own programmes only.

What each figure counts is defined in `services/production/figures/domain.py` and in the OpenAPI descriptions.
"""

from datetime import date
from typing import Annotated, Self

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.production.callers import FiguresReader, agency_reach
from services.production.cycles.domain import CycleKind
from services.production.figures import handlers
from services.production.figures.domain import CycleFigures, Output, Period, ProgrammeFigures
from services.production.quantities.api import AmountOut
from shared.http.app import DatabaseDep
from shared.http.bounds import Day
from shared.http.parameters import PathId

router = APIRouter(tags=["figures"])

# Not shared.http.parameters.Filter: commodities run to 100 characters, and an empty filter is refused here.
FigureFilter = Annotated[str | None, Query(min_length=1, max_length=100)]


class OutputOut(BaseModel):
    kg: AmountOut = Field(description="Mass, g and t converted exactly to kg")
    litres: AmountOut = Field(description="Volume, ml converted exactly to litres")
    units: dict[str, AmountOut] = Field(description="Count-like units (count, bunches, units), each on its own")

    @classmethod
    def from_domain(cls, output: Output) -> Self:
        return cls(kg=output.kg, litres=output.litres, units=output.units)


class CycleFiguresOut(BaseModel):
    cycle_id: str
    programme_id: str
    site_id: str
    commodity: str
    kind: CycleKind
    harvests: int = Field(description="Harvests or batches recorded in the cycle")
    output: OutputOut = Field(description="Every harvest or batch of the cycle")
    area_m2: AmountOut | None
    yield_per_m2: AmountOut | None = Field(description="Plantings: harvested kg over the site's area_m2")
    stocked_count: int | None
    fish_count: int | None = Field(description="Stockings: fish counted at harvest")
    survival_rate: AmountOut | None = Field(
        description="Stockings: fish counted over fish stocked; null unless every harvest was counted"
    )
    feed_kg: AmountOut | None = Field(
        description="Stockings: feed inputs for the site received from the cycle's start to its last harvest"
    )
    feed_conversion_ratio: AmountOut | None = Field(description="Stockings: feed_kg over fish harvested in kg")

    @classmethod
    def from_domain(cls, found: CycleFigures) -> Self:
        return cls.model_validate({**vars(found), "output": OutputOut.from_domain(found.output)})


class ProgrammeFiguresOut(BaseModel):
    programme_id: str
    agency_id: str | None = Field(description="Null until production learns the programme's publication")
    commodity: str
    output: OutputOut = Field(description="Harvests and batches of a day in the period")
    food_security: OutputOut = Field(description="Lots distributed to food-security programmes in the period")
    cycles: list[CycleFiguresOut] = Field(description="The cycles that yielded in the period, each as a whole")

    @classmethod
    def from_domain(cls, found: ProgrammeFigures) -> Self:
        return cls(
            programme_id=found.programme_id,
            agency_id=found.agency_id,
            commodity=found.commodity,
            output=OutputOut.from_domain(found.output),
            food_security=OutputOut.from_domain(found.food_security),
            cycles=[CycleFiguresOut.from_domain(cycle) for cycle in found.cycles],
        )


class FiguresOut(BaseModel):
    start: date | None = Field(serialization_alias="from")
    end: date | None = Field(serialization_alias="to")
    programmes: list[ProgrammeFiguresOut] = Field(description="One row per programme and commodity")


@router.get(
    "/figures",
    summary="Output, food-security contribution and cycle figures per programme and commodity over a period",
    response_model_by_alias=True,
    responses={
        403: {"description": "An agency's key asked for another agency"},
        404: {"description": "No such programme, or not of the agency asked for"},
    },
)
async def programme_figures(
    database: DatabaseDep,
    caller: FiguresReader,
    programme_id: FigureFilter = None,
    agency_id: FigureFilter = None,
    commodity: FigureFilter = None,
    start: Annotated[Day | None, Query(alias="from", description="First day, included")] = None,
    end: Annotated[Day | None, Query(alias="to", description="Last day, included")] = None,
) -> FiguresOut:
    period = Period(start, end)
    found = await handlers.programme_figures(
        database,
        caller_agency=agency_reach(caller),
        programme_id=programme_id,
        agency_id=agency_id,
        commodity=commodity,
        period=period,
    )
    return FiguresOut(start=start, end=end, programmes=[ProgrammeFiguresOut.from_domain(row) for row in found])


@router.get(
    "/cycles/{cycle_id}/figures",
    summary="A cycle's output, yield per m2, survival rate and feed conversion ratio",
    responses={404: {"description": "No such cycle, or not of the caller's agency"}},
)
async def cycle_figures(cycle_id: PathId, database: DatabaseDep, caller: FiguresReader) -> CycleFiguresOut:
    found = await handlers.cycle_figures(database, cycle_id, caller_agency=agency_reach(caller))
    return CycleFiguresOut.from_domain(found)
