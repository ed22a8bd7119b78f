"""Figures match hand-computed examples: exact output, yield per m2, survival rate, feed conversion, food security."""

from datetime import date
from decimal import Decimal

import pytest

from services.production.batches.domain import produce_batch
from services.production.cycles.domain import Cycle, start_cycle
from services.production.figures.domain import (
    InvalidPeriod,
    Output,
    Period,
    by_programme_and_commodity,
    cycle_figures,
    ratio,
    tally,
)
from services.production.harvests.domain import Harvest, record_harvest
from services.production.inputs.domain import Input, InputKind, receive_input
from services.production.lots.domain import DispositionKind, Grade, dispose, grade, spec
from services.production.quantities.domain import Quantity, Unit
from services.production.sites.domain import Site, SiteKind, register_site

START = date(2027, 1, 11)
RACK = register_site(facility_id="f", name="R", kind=SiteKind.HYDROPONIC_RACK, area_m2=Decimal("12.5"))[0]
POND = register_site(facility_id="f", name="P", kind=SiteKind.POND, volume_m3=Decimal(18))[0]
OTHER_POND = register_site(facility_id="f", name="Q", kind=SiteKind.POND, volume_m3=Decimal(9))[0]
WORKSHOP = register_site(facility_id="f", name="W", kind=SiteKind.WORKSHOP)[0]


def planting() -> Cycle:
    seed = {"seed_quantity": Decimal("0.25"), "seed_unit": "kg"}
    return start_cycle(RACK, programme_id="dkpp-1", commodity="kangkung", started_on=START, **seed)[0]


def stocking() -> Cycle:
    return start_cycle(POND, programme_id="lele-1", commodity="lele", started_on=START, stocked_count=2000)[0]


def harvested(cycle: Cycle, on: date, amount: str, unit: str = "kg", fish_count: int | None = None) -> Harvest:
    values = {"harvested_on": on, "amount": Decimal(amount), "unit": unit, "fish_count": fish_count}
    return record_harvest(cycle, credits=[], standings={}, **values)[0]


def fed(site: Site, on: date, amount: str, unit: str = "kg", kind: InputKind = InputKind.FEED) -> Input:
    values = {"agency_id": "dinas-perikanan", "item": "pelet", "amount": Decimal(amount), "unit": unit}
    return receive_input(site=site, kind=kind, received_on=on, **values)[0]


def test_mass_is_summed_exactly_in_kg_and_count_like_units_each_on_their_own() -> None:
    quantities = [
        Quantity(Decimal("1.5"), Unit.KILOGRAM),
        Quantity(Decimal("500"), Unit.GRAM),
        Quantity(Decimal("0.001"), Unit.TONNE),
        Quantity(Decimal("12"), Unit.BUNCHES),
        Quantity(Decimal("3"), Unit.BUNCHES),
        Quantity(Decimal("120"), Unit.UNITS),
        Quantity(Decimal("500"), Unit.MILLILITRES),
    ]
    assert tally(quantities) == Output(Decimal(3), Decimal("0.5"), {"bunches": Decimal(15), "units": Decimal(120)})


def test_ratios_are_rounded_half_even_to_four_places_and_none_over_zero() -> None:
    assert ratio(Decimal(1), Decimal(3)) == Decimal("0.3333")
    assert str(ratio(Decimal("0.00005"), Decimal(1))) == "0.0000"
    assert str(ratio(Decimal("0.00015"), Decimal(1))) == "0.0002"
    assert ratio(Decimal(1), Decimal(0)) is None


def test_yield_per_m2_is_the_cycles_harvested_kg_over_the_sites_area() -> None:
    cycle = planting()
    harvests = [harvested(cycle, date(2027, 2, 1), "30"), harvested(cycle, date(2027, 2, 15), "1500", "g")]
    found = cycle_figures(cycle, RACK, harvests, [], [])
    # (30 + 1.5) kg / 12.5 m2 = 2.52 kg/m2
    assert (found.output.kg, found.yield_per_m2, found.harvests) == (Decimal("31.5"), Decimal("2.5200"), 2)
    assert (found.survival_rate, found.feed_conversion_ratio, found.feed_kg) == (None, None, None)
    assert cycle_figures(cycle, RACK, [], [], []).yield_per_m2 is None


def test_survival_and_feed_conversion_count_only_the_sites_feed_within_the_cycle() -> None:
    cycle = stocking()
    last = date(2027, 4, 20)
    harvests = [harvested(cycle, date(2027, 4, 1), "120", fish_count=1500), harvested(cycle, last, "45500", "g", 350)]
    feed = [
        fed(POND, START, "150"),  # the first day counts
        fed(POND, date(2027, 2, 1), "0.1", "t"),  # 100 kg
        fed(POND, last, "2500", "g"),  # the last harvest's day counts
        fed(POND, date(2027, 1, 10), "30"),  # before the start
        fed(POND, date(2027, 4, 21), "50"),  # after the last harvest
        fed(OTHER_POND, date(2027, 2, 1), "20"),  # another site
        fed(POND, date(2027, 2, 1), "40", kind=InputKind.FERTILISER),  # not feed
    ]
    found = cycle_figures(cycle, POND, harvests, [], feed)
    # 1850 of 2000 survived; 252.5 kg of feed for 165.5 kg of fish = 1.52567...
    assert (found.fish_count, found.survival_rate) == (1850, Decimal("0.9250"))
    assert (found.output.kg, found.feed_kg, found.feed_conversion_ratio) == (
        Decimal("165.5"),
        Decimal("252.5"),
        Decimal("1.5257"),
    )
    assert found.yield_per_m2 is None


def test_survival_is_unknown_while_a_harvest_was_not_counted_and_fcr_while_feed_was_not_weighed() -> None:
    cycle = stocking()
    harvests = [harvested(cycle, date(2027, 4, 1), "120", fish_count=1500), harvested(cycle, date(2027, 4, 2), "10")]
    found = cycle_figures(cycle, POND, harvests, [], [fed(POND, START, "3", "units")])
    assert (found.fish_count, found.survival_rate, found.feed_kg, found.feed_conversion_ratio) == (
        1500,
        None,
        None,
        None,
    )
    assert cycle_figures(cycle, POND, [], [], [fed(POND, START, "3")]).feed_conversion_ratio is None


def test_rows_per_programme_and_commodity_count_the_period_only() -> None:
    crops, fish = planting(), stocking()
    run = start_cycle(WORKSHOP, programme_id="umkm-1", commodity="keripik", started_on=START)[0]
    in_period, after = date(2027, 2, 1), date(2027, 3, 1)
    harvests = [harvested(crops, in_period, "30"), harvested(crops, after, "99"), harvested(fish, in_period, "50")]
    batch = produce_batch(run, credits=[], standings={}, batch_code="K1", units=120, produced_on=in_period)[0]
    _, [lot], _ = grade(harvests[0], [spec("L1", Grade.A, Decimal("30"), "kg", None)])
    lot, _ = dispose(lot, kind=DispositionKind.DISTRIBUTED, amount=Decimal(4000), unit="g", on=in_period, recipient="x")
    lot, _ = dispose(lot, kind=DispositionKind.DISTRIBUTED, amount=Decimal(1), unit="kg", on=after, recipient="x")
    lot, _ = dispose(lot, kind=DispositionKind.SOLD, amount=Decimal(2), unit="kg", on=in_period)
    cycles = {c.id: cycle_figures(c, s, [], [], []) for c, s in ((crops, RACK), (fish, POND), (run, WORKSHOP))}
    rows = by_programme_and_commodity(
        Period(date(2027, 1, 1), date(2027, 2, 28)),
        harvests=harvests,
        batches=[batch],
        lots=[lot],
        cycles=cycles,
        agencies={"dkpp-1": "dkpp"},
    )
    summary = [(r.programme_id, r.agency_id, r.commodity, r.output, r.food_security.kg) for r in rows]
    assert summary == [
        ("dkpp-1", "dkpp", "kangkung", Output(Decimal(30)), Decimal(4)),
        ("lele-1", None, "lele", Output(Decimal(50)), Decimal(0)),
        ("umkm-1", None, "keripik", Output(units={"units": Decimal(120)}), Decimal(0)),
    ]
    assert [[c.cycle_id for c in r.cycles] for r in rows] == [[crops.id], [fish.id], [run.id]]


def test_a_period_ends_on_or_after_it_starts() -> None:
    with pytest.raises(InvalidPeriod) as refused:
        Period(date(2027, 2, 1), date(2027, 1, 31))
    assert refused.value.field == "to"
    assert date(2027, 1, 31) in Period(None, date(2027, 1, 31))
