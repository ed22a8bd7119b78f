"""Inputs keep their exact quantity; a cycle starts as its site's kind requires: seed, a stocked count, or neither."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.production.cycles.domain import (
    CycleKind,
    CycleStatus,
    MissingStart,
    NonPositiveStockedCount,
    NotApplicableToSite,
    start_cycle,
)
from services.production.inputs.domain import InputKind, receive_input
from services.production.quantities.domain import NonPositiveQuantity, Quantity, Unit, UnknownUnit
from services.production.sites.domain import Site, SiteKind, register_site
from shared.errors import InvalidInput

MEASURES = {
    SiteKind.HYDROPONIC_RACK: {"area_m2": Decimal(12)},
    SiteKind.PLOT: {"area_m2": Decimal(200)},
    SiteKind.POND: {"volume_m3": Decimal(18)},
    SiteKind.TANK: {"volume_m3": Decimal(2)},
    SiteKind.WORKSHOP: {},
}


def site_of(kind: SiteKind) -> Site:
    return register_site(facility_id="rutan-serang", name="A", kind=kind, **MEASURES[kind])[0]


def seed_delivery(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "site": None,
        "agency_id": "dkpp",
        "kind": InputKind.SEED,
        "item": "kangkung seed",
        "amount": Decimal("1.50"),
        "unit": "kg",
        "received_on": date(2026, 12, 1),
    }
    return {**values, **overrides}


def test_an_input_keeps_its_quantity_and_site_and_announces_them_exactly() -> None:
    rack = site_of(SiteKind.HYDROPONIC_RACK)
    received, event = receive_input(**seed_delivery(site=rack))
    assert received.quantity == Quantity(Decimal("1.50"), Unit.KILOGRAM)
    assert received.site_id == rack.id
    assert event.model_dump(mode="json") == {
        "input_id": received.id,
        "site_id": rack.id,
        "agency_id": "dkpp",
        "kind": "seed",
        "item": "kangkung seed",
        "quantity": "1.50",
        "unit": "kg",
        "received_on": "2026-12-01",
    }


def test_an_input_need_not_name_a_site() -> None:
    received, event = receive_input(**seed_delivery())
    assert received.site_id is None
    assert event.site_id is None


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"amount": Decimal(0)}, NonPositiveQuantity, "quantity"),
        ({"amount": Decimal("-1")}, NonPositiveQuantity, "quantity"),
        ({"unit": "sacks"}, UnknownUnit, "unit"),
    ],
)
def test_an_input_without_a_positive_quantity_in_a_known_unit_is_refused(
    overrides: dict[str, Any], error: type[InvalidInput], field: str
) -> None:
    with pytest.raises(error) as refused:
        receive_input(**seed_delivery(**overrides))
    assert refused.value.field == field


def start(kind: SiteKind, **given: Any) -> Any:
    return start_cycle(site_of(kind), programme_id="p-1", commodity="kangkung", started_on=date(2026, 12, 3), **given)


def test_a_planting_on_a_rack_starts_open_with_its_seed() -> None:
    cycle, started = start(SiteKind.HYDROPONIC_RACK, seed_quantity=Decimal("0.25"), seed_unit="kg")
    assert (cycle.kind, cycle.status, cycle.version) == (CycleKind.PLANTING, CycleStatus.OPEN, 1)
    assert cycle.seed == Quantity(Decimal("0.25"), Unit.KILOGRAM)
    assert started.model_dump(mode="json")["seed_quantity"] == "0.25"
    assert (started.cycle_id, started.kind, started.stocked_count) == (cycle.id, "planting", None)


def test_a_stocking_in_a_pond_or_tank_starts_with_its_count_and_a_workshop_run_with_neither() -> None:
    for kind in (SiteKind.POND, SiteKind.TANK):
        cycle, started = start(kind, stocked_count=2000)
        assert (cycle.kind, cycle.stocked_count, cycle.seed) == (CycleKind.STOCKING, 2000, None)
        assert started.seed_quantity is None
    run, _ = start(SiteKind.WORKSHOP)
    assert (run.kind, run.seed, run.stocked_count) == (CycleKind.WORKSHOP_RUN, None, None)


@pytest.mark.parametrize(
    ("kind", "given", "error", "field"),
    [
        (SiteKind.POND, {}, MissingStart, "stocked_count"),
        (SiteKind.TANK, {"stocked_count": 0}, NonPositiveStockedCount, "stocked_count"),
        (SiteKind.POND, {"stocked_count": 10, "seed_quantity": Decimal(1)}, NotApplicableToSite, "seed_quantity"),
        (SiteKind.PLOT, {}, MissingStart, "seed_quantity"),
        (SiteKind.HYDROPONIC_RACK, {"seed_quantity": Decimal(1)}, MissingStart, "seed_unit"),
        (
            SiteKind.HYDROPONIC_RACK,
            {"seed_quantity": Decimal(1), "seed_unit": "g", "stocked_count": 5},
            NotApplicableToSite,
            "stocked_count",
        ),
        (SiteKind.PLOT, {"seed_quantity": Decimal(0), "seed_unit": "g"}, NonPositiveQuantity, "seed_quantity"),
        (SiteKind.PLOT, {"seed_quantity": Decimal(1), "seed_unit": "handfuls"}, UnknownUnit, "seed_unit"),
        (SiteKind.WORKSHOP, {"stocked_count": 3}, NotApplicableToSite, "stocked_count"),
    ],
)
def test_a_cycle_started_against_its_site_kind_is_refused_naming_the_field(
    kind: SiteKind, given: dict[str, Any], error: type[InvalidInput], field: str
) -> None:
    with pytest.raises(error) as refused:
        start(kind, **given)
    assert refused.value.field == field
