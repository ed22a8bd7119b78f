"""Production cycles: a planting, a fish stocking or a workshop run on a site, for a programme; pure, no I/O."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import uuid4

from services.production.quantities.domain import Quantity, Unit, now, quantity
from services.production.sites.domain import Site, SiteKind
from shared.contracts.production import CycleClosed, CycleStarted
from shared.errors import Conflict, InvalidInput, NotFound


class CycleKind(StrEnum):
    PLANTING = "planting"
    STOCKING = "stocking"
    WORKSHOP_RUN = "workshop_run"


class CycleStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


_KIND_ON_SITE = {
    SiteKind.HYDROPONIC_RACK: CycleKind.PLANTING,
    SiteKind.PLOT: CycleKind.PLANTING,
    SiteKind.POND: CycleKind.STOCKING,
    SiteKind.TANK: CycleKind.STOCKING,
    SiteKind.WORKSHOP: CycleKind.WORKSHOP_RUN,
}


class MissingStart(InvalidInput):
    """A planting starts with its seed (quantity and unit); a stocking with the number of fish stocked."""


class NotApplicableToSite(InvalidInput):
    """Seed belongs to plantings and a stocked count to stockings; a workshop run has neither."""


class NonPositiveStockedCount(InvalidInput):
    """A stocking puts at least one fish in the water."""


class CycleNotFound(NotFound):
    """No production cycle has this id."""


class CycleClosedAlready(Conflict):
    """A closed cycle is closed once, and nothing more is harvested or produced in it."""


class CloseTooEarly(InvalidInput):
    """A cycle closes on or after its start and its last harvest or batch."""


class BeforeCycleStart(InvalidInput):
    """Nothing is harvested or produced before its cycle started."""


class WrongCycleKind(InvalidInput):
    """Plantings and stockings are harvested; workshop runs produce batches."""


@dataclass(frozen=True)
class Cycle:
    """One run of production on a site for a programme; its kind follows from the site's kind."""

    id: str
    site_id: str
    programme_id: str
    commodity: str
    kind: CycleKind
    started_on: date
    seed: Quantity | None
    stocked_count: int | None
    status: CycleStatus
    created_at: datetime
    version: int
    closed_on: date | None = None
    last_yield_on: date | None = None


def _require(kind: CycleKind, given: dict[str, object]) -> None:
    needed = {CycleKind.PLANTING: ("seed_quantity", "seed_unit"), CycleKind.STOCKING: ("stocked_count",)}.get(kind, ())
    for name, value in given.items():
        if name in needed and value is None:
            raise MissingStart(f"A {kind.value} starts with its {name.replace('_', ' ')}.", field=name)
        if name not in needed and value is not None:
            raise NotApplicableToSite(f"A {kind.value} has no {name.replace('_', ' ')}.", field=name)


def start_cycle(
    site: Site,
    *,
    programme_id: str,
    commodity: str,
    started_on: date,
    seed_quantity: Decimal | None = None,
    seed_unit: Unit | str | None = None,
    stocked_count: int | None = None,
) -> tuple[Cycle, CycleStarted]:
    """An open cycle on `site`, started as the site's kind requires, and the event that announces it."""
    kind = _KIND_ON_SITE[site.kind]
    _require(kind, {"seed_quantity": seed_quantity, "seed_unit": seed_unit, "stocked_count": stocked_count})
    seed = None
    if seed_quantity is not None and seed_unit is not None:
        seed = quantity(seed_quantity, seed_unit, field="seed_quantity", unit_field="seed_unit")
    if stocked_count is not None and stocked_count <= 0:
        raise NonPositiveStockedCount("The stocked count must be above zero.", field="stocked_count")
    cycle = Cycle(
        id=str(uuid4()),
        site_id=site.id,
        programme_id=programme_id,
        commodity=commodity,
        kind=kind,
        started_on=started_on,
        seed=seed,
        stocked_count=stocked_count,
        status=CycleStatus.OPEN,
        created_at=now(),
        version=1,
    )
    return cycle, _started(cycle)


def _started(cycle: Cycle) -> CycleStarted:
    same = ("site_id", "programme_id", "commodity", "started_on", "stocked_count")
    return CycleStarted(
        cycle_id=cycle.id,
        kind=cycle.kind.value,
        seed_quantity=cycle.seed.amount if cycle.seed else None,
        seed_unit=cycle.seed.unit.value if cycle.seed else None,
        **{name: getattr(cycle, name) for name in same},
    )


def still_open(cycle: Cycle) -> None:
    """CycleClosedAlready once the cycle is closed."""
    if cycle.status is CycleStatus.CLOSED:
        assert cycle.closed_on is not None
        raise CycleClosedAlready(f"The cycle closed on {cycle.closed_on.isoformat()}.", field="cycle_id")


def not_before_start(cycle: Cycle, on: date, *, field: str) -> None:
    if on < cycle.started_on:
        raise BeforeCycleStart(f"The cycle started on {cycle.started_on.isoformat()}.", field=field)


def close_cycle(cycle: Cycle, *, closed_on: date) -> tuple[Cycle, CycleClosed]:
    """The cycle closed on `closed_on`, not before its start or its last harvest or batch; and its event."""
    still_open(cycle)
    last = max(cycle.started_on, cycle.last_yield_on or cycle.started_on)
    if closed_on < last:
        raise CloseTooEarly(f"The cycle cannot close before {last.isoformat()}.", field="closed_on")
    closed = replace(cycle, status=CycleStatus.CLOSED, closed_on=closed_on, version=cycle.version + 1)
    return closed, CycleClosed(
        cycle_id=cycle.id,
        site_id=cycle.site_id,
        programme_id=cycle.programme_id,
        commodity=cycle.commodity,
        closed_on=closed_on,
    )
