"""A cycle closes once, not before its start or last yield, and nothing is harvested or produced after."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from services.production.batches.domain import produce_batch
from services.production.cycles.domain import CloseTooEarly, CycleClosedAlready, CycleStatus, close_cycle
from services.production.harvests.domain import record_harvest
from tests.support.production import POND, START, WORKSHOP, harvest


def test_a_cycle_closes_once_on_or_after_its_start_and_last_yield_and_says_so() -> None:
    with pytest.raises(CloseTooEarly) as early:
        close_cycle(POND, closed_on=date(2026, 12, 1))
    assert early.value.field == "closed_on"
    harvested = replace(POND, last_yield_on=date(2027, 1, 20))
    with pytest.raises(CloseTooEarly):
        close_cycle(harvested, closed_on=date(2027, 1, 19))
    closed, event = close_cycle(harvested, closed_on=date(2027, 1, 20))
    assert (closed.status, closed.closed_on, closed.version) == (CycleStatus.CLOSED, date(2027, 1, 20), 2)
    assert (event.cycle_id, event.closed_on) == (POND.id, date(2027, 1, 20))
    with pytest.raises(CycleClosedAlready) as again:
        close_cycle(closed, closed_on=date(2027, 1, 21))
    assert again.value.field == "cycle_id"


def test_nothing_is_harvested_or_produced_in_a_closed_cycle() -> None:
    closed_pond, _ = close_cycle(POND, closed_on=START)
    with pytest.raises(CycleClosedAlready):
        record_harvest(closed_pond, credits=[], standings={}, harvested_on=START, amount=Decimal(1), unit="kg")
    closed_workshop, _ = close_cycle(WORKSHOP, closed_on=START)
    with pytest.raises(CycleClosedAlready):
        produce_batch(closed_workshop, credits=[], standings={}, batch_code="K", units=1, produced_on=START)
    assert harvest()[0].quantity.amount == Decimal("61.5")
