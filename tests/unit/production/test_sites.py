"""A site is sized as its kind requires: racks and plots by area, ponds and tanks by volume, workshops by neither."""

from decimal import Decimal

import pytest

from services.production.sites.domain import (
    MeasureNotApplicable,
    MissingMeasure,
    NonPositiveMeasure,
    SiteKind,
    register_site,
)
from shared.errors import InvalidInput


@pytest.mark.parametrize(
    ("kind", "measures"),
    [
        (SiteKind.HYDROPONIC_RACK, {"area_m2": Decimal("12.5")}),
        (SiteKind.PLOT, {"area_m2": Decimal(200)}),
        (SiteKind.POND, {"volume_m3": Decimal(18)}),
        (SiteKind.TANK, {"volume_m3": Decimal("2.4")}),
        (SiteKind.WORKSHOP, {}),
    ],
)
def test_each_kind_registers_with_its_own_measure(kind: SiteKind, measures: dict[str, Decimal]) -> None:
    site, registered = register_site(facility_id="rutan-serang", name="A", kind=kind, **measures)
    assert (site.area_m2, site.volume_m3) == (measures.get("area_m2"), measures.get("volume_m3"))
    assert site.version == 1
    assert site.created_at.microsecond % 1000 == 0
    assert registered.site_id == site.id
    assert registered.kind == kind.value
    assert registered.registered_at == site.created_at


@pytest.mark.parametrize(
    ("kind", "measures", "error", "field"),
    [
        (SiteKind.HYDROPONIC_RACK, {}, MissingMeasure, "area_m2"),
        (SiteKind.PLOT, {"volume_m3": Decimal(1)}, MissingMeasure, "area_m2"),
        (SiteKind.POND, {}, MissingMeasure, "volume_m3"),
        (SiteKind.POND, {"area_m2": Decimal(40), "volume_m3": Decimal(18)}, MeasureNotApplicable, "area_m2"),
        (SiteKind.HYDROPONIC_RACK, {"area_m2": Decimal(1), "volume_m3": Decimal(1)}, MeasureNotApplicable, "volume_m3"),
        (SiteKind.WORKSHOP, {"area_m2": Decimal(30)}, MeasureNotApplicable, "area_m2"),
        (SiteKind.TANK, {"volume_m3": Decimal(0)}, NonPositiveMeasure, "volume_m3"),
        (SiteKind.PLOT, {"area_m2": Decimal("-3")}, NonPositiveMeasure, "area_m2"),
    ],
)
def test_a_site_sized_against_its_kind_is_refused_naming_the_field(
    kind: SiteKind, measures: dict[str, Decimal], error: type[InvalidInput], field: str
) -> None:
    with pytest.raises(error) as refused:
        register_site(facility_id="rutan-serang", name="A", kind=kind, **measures)
    assert refused.value.field == field


def test_the_event_carries_the_exact_area_as_a_string() -> None:
    _, registered = register_site(facility_id="rutan-serang", name="A", kind=SiteKind.PLOT, area_m2=Decimal("1.5E+2"))
    assert registered.model_dump(mode="json")["area_m2"] == "150"
