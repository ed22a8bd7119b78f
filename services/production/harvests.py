"""Harvests of plantings and stockings, crediting the participants who worked them; pure, no I/O."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import uuid4

from services.production import clock
from services.production.crediting import Standing
from services.production.cycles import Cycle, CycleKind, still_open
from services.production.units import Dimension, Quantity, Unit, dimension, quantity
from shared.errors import InvalidInput
from shared.events.production import Credit, HarvestRecorded


class NotCreditable(InvalidInput):
    """Only participants active in the programme's cohort on that day can be credited with production."""


class NonPositiveHours(InvalidInput):
    """Hours credited are more than zero."""


class BeforeCycleStart(InvalidInput):
    """Nothing is harvested or produced before its cycle started."""


class WrongCycleKind(InvalidInput):
    """Plantings and stockings are harvested; workshop runs produce batches."""


class NotApplicableToHarvest(InvalidInput):
    """Fish are weighed in a mass unit and may be counted; crops are not counted as fish."""


@dataclass(frozen=True)
class Credited:
    """Hours a participant (an opaque id) worked on a harvest or a batch, and the cohort they trained in."""

    participant_id: str
    hours: Decimal
    cohort_id: str | None = None


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


def credited(credits: list[tuple[str, Decimal]], *, standings: dict[str, Standing], on: date) -> tuple[Credited, ...]:
    """The credits, each with its cohort, when every participant was creditable on `on`; else NotCreditable
    giving each one's reason."""
    for _, hours in credits:
        if not hours.is_finite() or hours <= 0:
            raise NonPositiveHours("Hours credited must be above zero.", field="credits")
    ids = [participant_id for participant_id, _ in credits]
    if len(set(ids)) != len(ids):
        raise NotCreditable("Credit each participant once, with all their hours.", field="credits")
    refused = {participant_id: found.refusal for participant_id, found in standings.items() if found.refusal}
    if refused:
        reasons = "; ".join(f"{participant_id} {reason}" for participant_id, reason in sorted(refused.items()))
        raise NotCreditable(f"Not creditable on {on.isoformat()}: {reasons}.", field="credits")
    return tuple(
        Credited(participant_id, hours, standings[participant_id].cohort_id) for participant_id, hours in credits
    )


def not_before_start(cycle: Cycle, on: date, *, field: str) -> None:
    if on < cycle.started_on:
        raise BeforeCycleStart(f"The cycle started on {cycle.started_on.isoformat()}.", field=field)


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
    if cycle.kind is CycleKind.WORKSHOP_RUN:
        raise WrongCycleKind("A workshop run produces batches, not harvests.", field="cycle_id")
    still_open(cycle)
    not_before_start(cycle, harvested_on, field="harvested_on")
    harvested = quantity(amount, unit)
    if cycle.kind is CycleKind.STOCKING and dimension(harvested.unit) is not Dimension.MASS:
        raise NotApplicableToHarvest("Fish are weighed: use kg, g or t.", field="unit")
    if fish_count is not None and (cycle.kind is not CycleKind.STOCKING or fish_count <= 0):
        raise NotApplicableToHarvest("A fish count is above zero, and only for stockings.", field="fish_count")
    workers = credited(credits, standings=standings, on=harvested_on)
    harvest = Harvest(
        id=str(uuid4()),
        cycle_id=cycle.id,
        programme_id=cycle.programme_id,
        site_id=cycle.site_id,
        commodity=commodity or cycle.commodity,
        quantity=harvested,
        fish_count=fish_count,
        harvested_on=harvested_on,
        credits=workers,
        graded=Decimal(0),
        created_at=clock.now(),
        version=1,
    )
    return harvest, HarvestRecorded(
        harvest_id=harvest.id,
        cycle_id=cycle.id,
        programme_id=cycle.programme_id,
        site_id=cycle.site_id,
        commodity=harvest.commodity,
        quantity=harvested.amount,
        unit=harvested.unit.value,
        fish_count=fish_count,
        harvested_on=harvested_on,
        credits=credit_contracts(workers),
    )


def credit_contracts(credits: tuple[Credited, ...]) -> list[Credit]:
    return [Credit(participant_id=c.participant_id, hours=c.hours, cohort_id=c.cohort_id) for c in credits]
