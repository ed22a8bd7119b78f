"""Production sites (racks, plots, ponds, tanks, workshops) and what each kind must measure; pure, no I/O."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import uuid4

from services.production.quantities.domain import now
from shared.contracts.production import SiteRegistered
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound


class SiteKind(StrEnum):
    HYDROPONIC_RACK = "hydroponic_rack"
    PLOT = "plot"
    POND = "pond"
    TANK = "tank"
    WORKSHOP = "workshop"

    @property
    def measure(self) -> str | None:
        """The field that sizes a site of this kind: area for growing, volume for water, none for a workshop."""
        return _MEASURES[self]


_MEASURES = {
    SiteKind.HYDROPONIC_RACK: "area_m2",
    SiteKind.PLOT: "area_m2",
    SiteKind.POND: "volume_m3",
    SiteKind.TANK: "volume_m3",
    SiteKind.WORKSHOP: None,
}


class MissingMeasure(InvalidInput):
    """Racks and plots have an area; ponds and tanks a volume."""


class MeasureNotApplicable(InvalidInput):
    """A site is sized only by its kind's measure: no volume for a plot, no area for a pond, neither for a workshop."""


class NonPositiveMeasure(InvalidInput):
    """An area or a volume is more than zero."""


class SiteNotFound(NotFound):
    """No production site has this id."""


class OutsideFacility(Forbidden):
    """A facility officer records production at their own facility's sites only."""


def ensure_reached(facility_id: str, reach: str | None) -> None:
    """A caller reaching one facility (`reach`; None: every facility) registers sites there only."""
    if reach not in (None, facility_id):
        raise OutsideFacility(
            "A site is registered by its own facility's officers or platform staff.", field="facility_id"
        )


class DuplicateSiteName(Conflict):
    """Site names are unique within a facility."""


@dataclass(frozen=True)
class Site:
    """A place where participants grow, raise or make things, at one facility."""

    id: str
    facility_id: str
    name: str
    kind: SiteKind
    area_m2: Decimal | None
    volume_m3: Decimal | None
    created_at: datetime
    version: int


def _check_measures(kind: SiteKind, measures: dict[str, Decimal | None]) -> None:
    for name, value in measures.items():
        if name == kind.measure and value is None:
            raise MissingMeasure(f"A {kind.value} site needs its {name}.", field=name)
        if name != kind.measure and value is not None:
            raise MeasureNotApplicable(f"A {kind.value} site has no {name}.", field=name)
        if value is not None and (not value.is_finite() or value <= 0):
            raise NonPositiveMeasure(f"The {name} must be above zero.", field=name)


def register_site(
    *, facility_id: str, name: str, kind: SiteKind, area_m2: Decimal | None = None, volume_m3: Decimal | None = None
) -> tuple[Site, SiteRegistered]:
    """A new site, sized as its kind requires, and the event that announces it."""
    _check_measures(kind, {"area_m2": area_m2, "volume_m3": volume_m3})
    site = Site(
        id=str(uuid4()),
        facility_id=facility_id,
        name=name,
        kind=kind,
        area_m2=area_m2,
        volume_m3=volume_m3,
        created_at=now(),
        version=1,
    )
    event = SiteRegistered(
        site_id=site.id,
        facility_id=facility_id,
        name=name,
        kind=kind.value,
        area_m2=area_m2,
        volume_m3=volume_m3,
        registered_at=site.created_at,
    )
    return site, event
