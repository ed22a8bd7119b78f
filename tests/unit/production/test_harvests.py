"""Harvests and batches: on or after their cycle's start, fish weighed, food dated, every credit checked."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.production.batches.domain import BestBeforeRequired, produce_batch
from services.production.credits.domain import NonPositiveHours, NotCreditable
from services.production.cycles.domain import BeforeCycleStart, WrongCycleKind
from services.production.enrolments.domain import Standing
from services.production.harvests.domain import NotApplicableToHarvest, record_harvest
from tests.support.production import CREDITS, FINE, POND, START, WORKSHOP, harvest


def test_a_fish_harvest_keeps_weight_count_and_credits_and_announces_them_exactly() -> None:
    recorded, event = harvest()
    assert recorded.credits[0].hours == Decimal("3.5")
    assert recorded.credits[0].cohort_id == "cohort-1"
    assert event.model_dump(mode="json")["credits"] == [
        {"participant_id": "p-1", "hours": "3.5", "cohort_id": "cohort-1"}
    ]
    assert (event.quantity, event.unit, event.fish_count, event.commodity) == (Decimal("61.5"), "kg", 410, "lele")


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"harvested_on": date(2026, 12, 1)}, BeforeCycleStart, "harvested_on"),
        ({"unit": "count"}, NotApplicableToHarvest, "unit"),
        ({"fish_count": 0}, NotApplicableToHarvest, "fish_count"),
        ({"credits": [("p-1", Decimal(0))]}, NonPositiveHours, "credits"),
        ({"credits": CREDITS * 2}, NotCreditable, "credits"),
        ({"standings": {"p-1": Standing(None, "suspended on 2026-12-02")}}, NotCreditable, "credits"),
    ],
)
def test_an_unsound_harvest_is_refused_naming_the_field(overrides: dict[str, Any], error: type, field: str) -> None:
    with pytest.raises(error) as refused:
        harvest(**overrides)
    assert refused.value.field == field


def test_the_refusal_gives_each_participants_reason() -> None:
    refused_one = {"p-1": Standing(None, "suspended on 2026-12-02"), "p-2": Standing("cohort-1", None)}
    with pytest.raises(NotCreditable) as refused:
        harvest(credits=[*CREDITS, ("p-2", Decimal(1))], standings=refused_one)
    assert refused.value.detail == "Not creditable on 2026-12-02: p-1 suspended on 2026-12-02."


def test_workshops_make_batches_and_food_needs_a_best_before_not_before_production() -> None:
    with pytest.raises(WrongCycleKind):
        record_harvest(WORKSHOP, credits=[], standings={}, harvested_on=START, amount=Decimal(1), unit="kg")
    made: dict[str, Any] = {
        "credits": CREDITS,
        "standings": FINE,
        "batch_code": "K-1",
        "units": 10,
        "produced_on": START,
    }
    for best_before in (None, date(2026, 12, 1)):
        with pytest.raises(BestBeforeRequired):
            produce_batch(WORKSHOP, **made, food=True, best_before=best_before)
    batch, event = produce_batch(WORKSHOP, **made, food=True, best_before=START)
    assert (batch.units, event.best_before, event.product) == (10, START, "lele")
    with pytest.raises(WrongCycleKind):
        produce_batch(POND, **made)
