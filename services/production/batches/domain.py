"""Batches of made products from workshop runs, crediting the participants who made them; pure, no I/O."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import uuid4

from services.production.credits.domain import Credited, credit_contracts, credited
from services.production.cycles.domain import Cycle, CycleKind, WrongCycleKind, not_before_start, still_open
from services.production.enrolments.domain import Standing
from services.production.quantities.domain import now
from shared.contracts.production import BatchProduced
from shared.errors import Conflict, InvalidInput, NotFound


class BestBeforeRequired(InvalidInput):
    """Food carries a best-before date, on or after the day it was produced."""


class NonPositiveUnits(InvalidInput):
    """A batch holds at least one unit."""


class BatchNotFound(NotFound):
    """No batch has this id."""


class DuplicateBatchCode(Conflict):
    """Batch codes are unique within a cycle."""


@dataclass(frozen=True)
class Batch:
    id: str
    batch_code: str
    cycle_id: str
    programme_id: str
    site_id: str
    product: str
    units: int
    food: bool
    produced_on: date
    best_before: date | None
    credits: tuple[Credited, ...]
    graded: Decimal
    created_at: datetime
    version: int


def _check_batch(cycle: Cycle, *, units: int, produced_on: date, food: bool, best_before: date | None) -> None:
    if cycle.kind is not CycleKind.WORKSHOP_RUN:
        raise WrongCycleKind("Only a workshop run produces batches; harvest the others.", field="cycle_id")
    still_open(cycle)
    not_before_start(cycle, produced_on, field="produced_on")
    if food and best_before is None:
        raise BestBeforeRequired("Food needs its best-before date.", field="best_before")
    if best_before is not None and best_before < produced_on:
        raise BestBeforeRequired("The best-before date is on or after the production date.", field="best_before")
    if units <= 0:
        raise NonPositiveUnits("A batch holds at least one unit.", field="units")


def produce_batch(
    cycle: Cycle,
    *,
    credits: list[tuple[str, Decimal]],
    standings: dict[str, Standing],
    batch_code: str,
    units: int,
    produced_on: date,
    food: bool = False,
    best_before: date | None = None,
    product: str | None = None,
) -> tuple[Batch, BatchProduced]:
    """A batch made in a workshop run, and the event that announces it."""
    _check_batch(cycle, units=units, produced_on=produced_on, food=food, best_before=best_before)
    batch = Batch(
        id=str(uuid4()),
        batch_code=batch_code,
        cycle_id=cycle.id,
        programme_id=cycle.programme_id,
        site_id=cycle.site_id,
        product=product or cycle.commodity,
        units=units,
        food=food,
        produced_on=produced_on,
        best_before=best_before,
        credits=credited(credits, standings=standings, on=produced_on),
        graded=Decimal(0),
        created_at=now(),
        version=1,
    )
    return batch, _produced(batch)


def _produced(batch: Batch) -> BatchProduced:
    same = ("batch_code", "cycle_id", "programme_id", "site_id", "product", "units", "food", "produced_on")
    return BatchProduced(
        batch_id=batch.id,
        best_before=batch.best_before,
        credits=credit_contracts(batch.credits),
        **{name: getattr(batch, name) for name in same},
    )
