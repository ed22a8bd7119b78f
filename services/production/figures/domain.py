"""Production figures: output, food-security contribution, yield, survival and feed conversion; pure, no I/O.

What each figure counts (amounts stay exact Decimals; only ratios are rounded, half-even, to 4 places):
- Output: harvests recorded, and batches produced, on a day of the period. Mass goes to `kg` (g and t
  converted exactly), volume to `litres`, and count-like units (count, bunches, units) to `units`, by unit;
  a batch counts its units. A fish harvest is output by weight; its fish count is not output.
- Food-security contribution: dispositions of kind `distributed` made on a day of the period, from lots of
  the programme and commodity, tallied the same way in the lot's unit.
- Per cycle, over every harvest of the cycle whatever the period:
  - `yield_per_m2` (plantings): harvested mass in kg over the site's `area_m2`.
  - `survival_rate` (stockings): fish counted at harvest over `stocked_count`; None unless every harvest
    of the cycle was counted.
  - `feed_conversion_ratio` (stockings): `feed_kg` over the fish mass harvested in kg, where `feed_kg` is
    every input of kind `feed` received for the cycle's site with `received_on` from the cycle's start to
    its last harvest, both days included. None before the first harvest, or when some of that feed was
    received in a unit that is not a mass. Feed for a site is counted for every cycle whose window covers it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from services.production.batches.domain import Batch
from services.production.cycles.domain import Cycle, CycleKind
from services.production.harvests.domain import Harvest
from services.production.inputs.domain import Input, InputKind
from services.production.lots.domain import DispositionKind, Lot
from services.production.quantities.domain import Dimension, Quantity, Unit, dimension
from services.production.sites.domain import Site
from shared.errors import InvalidInput

RATIO_PLACES = Decimal("0.0001")


class InvalidPeriod(InvalidInput):
    """A period's `from` is on or before its `to`."""


@dataclass(frozen=True)
class Period:
    """Calendar days from `start` to `end`, both included; an open end is unbounded."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise InvalidPeriod("The period ends on or after it starts.", field="to")

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Output:
    """Quantities tallied by dimension: kg, litres, and each count-like unit on its own."""

    kg: Decimal = Decimal(0)
    litres: Decimal = Decimal(0)
    units: dict[str, Decimal] = field(default_factory=dict)


def tally(quantities: Iterable[Quantity]) -> Output:
    """The quantities summed exactly: mass in kg, volume in litres, count-like units each by unit."""
    kg, litres, units = Decimal(0), Decimal(0), dict[str, Decimal]()
    for each in quantities:
        if dimension(each.unit) is Dimension.MASS:
            kg += each.to(Unit.KILOGRAM).amount
        elif dimension(each.unit) is Dimension.VOLUME:
            litres += each.to(Unit.LITRES).amount
        else:
            units[each.unit.value] = units.get(each.unit.value, Decimal(0)) + each.amount
    return Output(kg, litres, dict(sorted(units.items())))


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator rounded half-even to 4 decimal places; None over zero."""
    if denominator == 0:
        return None
    with localcontext() as exact_enough:
        exact_enough.prec = 60
        return (numerator / denominator).quantize(RATIO_PLACES, rounding=ROUND_HALF_EVEN)


def batch_quantity(batch: Batch) -> Quantity:
    return Quantity(Decimal(batch.units), Unit.UNITS)


@dataclass(frozen=True)
class CycleFigures:
    cycle_id: str
    programme_id: str
    site_id: str
    commodity: str
    kind: CycleKind
    harvests: int
    output: Output
    area_m2: Decimal | None
    yield_per_m2: Decimal | None
    stocked_count: int | None
    fish_count: int | None
    survival_rate: Decimal | None
    feed_kg: Decimal | None
    feed_conversion_ratio: Decimal | None


def cycle_figures(
    cycle: Cycle, site: Site, harvests: list[Harvest], batches: list[Batch], feed: list[Input]
) -> CycleFigures:
    """One cycle's figures from all its harvests or batches and the inputs received for its site."""
    output = tally([h.quantity for h in harvests] + [batch_quantity(b) for b in batches])
    counts = [h.fish_count for h in harvests]
    fish_count = sum(c for c in counts if c is not None) if any(c is not None for c in counts) else None
    stocking = cycle.kind is CycleKind.STOCKING
    survival = None
    if stocking and harvests and None not in counts and cycle.stocked_count:
        survival = ratio(Decimal(sum(c for c in counts if c is not None)), Decimal(cycle.stocked_count))
    feed_kg = feed_received(cycle, harvests, feed) if stocking else None
    planting = cycle.kind is CycleKind.PLANTING
    return CycleFigures(
        cycle_id=cycle.id,
        programme_id=cycle.programme_id,
        site_id=cycle.site_id,
        commodity=cycle.commodity,
        kind=cycle.kind,
        harvests=len(harvests) + len(batches),
        output=output,
        area_m2=site.area_m2,
        yield_per_m2=ratio(output.kg, site.area_m2) if planting and site.area_m2 and harvests else None,
        stocked_count=cycle.stocked_count,
        fish_count=fish_count,
        survival_rate=survival,
        feed_kg=feed_kg,
        feed_conversion_ratio=ratio(feed_kg, output.kg) if feed_kg is not None else None,
    )


def feed_received(cycle: Cycle, harvests: list[Harvest], inputs: list[Input]) -> Decimal | None:
    """Feed for the cycle's site from its start to its last harvest, in kg; None without a harvest or in a count."""
    if not harvests:
        return None
    window = Period(cycle.started_on, max(h.harvested_on for h in harvests))
    fed = [
        i.quantity
        for i in inputs
        if i.kind is InputKind.FEED and i.site_id == cycle.site_id and i.received_on in window
    ]
    if any(dimension(q.unit) is not Dimension.MASS for q in fed):
        return None
    return sum((q.to(Unit.KILOGRAM).amount for q in fed), Decimal(0))


def distributed(lots: list[Lot], period: Period) -> Output:
    """What the lots gave to food-security programmes on a day of the period."""
    given = [
        d.quantity for lot in lots for d in lot.dispositions if d.kind is DispositionKind.DISTRIBUTED and d.on in period
    ]
    return tally(given)


@dataclass(frozen=True)
class ProgrammeFigures:
    """One programme's figures for one commodity over a period, with the cycles that yielded in it."""

    programme_id: str
    agency_id: str | None
    commodity: str
    output: Output
    food_security: Output
    cycles: tuple[CycleFigures, ...]


def by_programme_and_commodity(
    period: Period,
    *,
    harvests: list[Harvest],
    batches: list[Batch],
    lots: list[Lot],
    cycles: dict[str, CycleFigures],
    agencies: dict[str, str],
) -> list[ProgrammeFigures]:
    """A row per programme and commodity that yielded or gave to food security in the period."""
    made: dict[tuple[str, str], list[tuple[str, Quantity]]] = {}
    for h in harvests:
        if h.harvested_on in period:
            made.setdefault((h.programme_id, h.commodity), []).append((h.cycle_id, h.quantity))
    for b in batches:
        if b.produced_on in period:
            made.setdefault((b.programme_id, b.product), []).append((b.cycle_id, batch_quantity(b)))
    given: dict[tuple[str, str], list[Lot]] = {}
    for lot in lots:
        given.setdefault((lot.programme_id, lot.commodity), []).append(lot)
    rows = []
    for key in sorted(set(made) | set(given)):
        food_security = distributed(given.get(key, []), period)
        if key not in made and food_security == Output():
            continue
        cycle_ids = sorted({cycle_id for cycle_id, _ in made.get(key, [])})
        rows.append(
            ProgrammeFigures(
                programme_id=key[0],
                agency_id=agencies.get(key[0]),
                commodity=key[1],
                output=tally(q for _, q in made.get(key, [])),
                food_security=food_security,
                cycles=tuple(cycles[c] for c in cycle_ids if c in cycles),
            )
        )
    return rows
