"""Harvests of plantings and stockings, crediting the participants who worked them; pure, no I/O."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import uuid4

from services.production.credits.domain import Credited, credit_contracts, credited
from services.production.cycles.domain import Cycle, CycleKind, WrongCycleKind, not_before_start, still_open
from services.production.enrolments.domain import Standing
from services.production.quantities.domain import Dimension, Quantity, Unit, dimension, now, quantity
from shared.contracts.production import HarvestRecorded
from shared.errors import InvalidInput, NotFound


class NotApplicableToHarvest(InvalidInput):
    """Fish are weighed in a mass unit and may be counted; crops are not counted as fish."""


class HarvestNotFound(NotFound):
    """No harvest has this id."""


@dataclass(frozen=True)
class Harvest:
    id: str
    cycle_id: str
    programme_id: str
    site_id: str
    commodity: str
    quantity: Quantity
    fish_count: int | None
    harvested_on: date
    credits: tuple[Credited, ...]
    graded: Decimal
    created_at: datetime
    version: int


def _harvestable(cycle: Cycle, *, on: date) -> None:
    if cycle.kind is CycleKind.WORKSHOP_RUN:
        raise WrongCycleKind("A workshop run produces batches, not harvests.", field="cycle_id")
    still_open(cycle)
    not_before_start(cycle, on, field="harvested_on")


def _check_fish(cycle: Cycle, harvested: Quantity, *, fish_count: int | None) -> None:
    if cycle.kind is CycleKind.STOCKING and dimension(harvested.unit) is not Dimension.MASS:
        raise NotApplicableToHarvest("Fish are weighed: use kg, g or t.", field="unit")
    if fish_count is not None and (cycle.kind is not CycleKind.STOCKING or fish_count <= 0):
        raise NotApplicableToHarvest("A fish count is above zero, and only for stockings.", field="fish_count")


def record_harvest(
    cycle: Cycle,
    *,
    credits: list[tuple[str, Decimal]],
    standings: dict[str, Standing],
    harvested_on: date,
    amount: Decimal,
    unit: Unit | str,
    commodity: str | None = None,
    fish_count: int | None = None,
) -> tuple[Harvest, HarvestRecorded]:
    """A harvest of a planting or a stocking, and the event that announces it."""
    _harvestable(cycle, on=harvested_on)
    harvested = quantity(amount, unit)
    _check_fish(cycle, harvested, fish_count=fish_count)
    harvest = Harvest(
        id=str(uuid4()),
        cycle_id=cycle.id,
        programme_id=cycle.programme_id,
        site_id=cycle.site_id,
        commodity=commodity or cycle.commodity,
        quantity=harvested,
        fish_count=fish_count,
        harvested_on=harvested_on,
        credits=credited(credits, standings=standings, on=harvested_on),
        graded=Decimal(0),
        created_at=now(),
        version=1,
    )
    return harvest, _recorded(harvest)


def _recorded(harvest: Harvest) -> HarvestRecorded:
    same = ("cycle_id", "programme_id", "site_id", "commodity", "fish_count", "harvested_on")
    return HarvestRecorded(
        harvest_id=harvest.id,
        quantity=harvest.quantity.amount,
        unit=harvest.quantity.unit.value,
        credits=credit_contracts(harvest.credits),
        **{name: getattr(harvest, name) for name in same},
    )
