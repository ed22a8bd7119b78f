"""Whole rupiah divided by weights: nothing lost or invented, whatever the weights."""

import random
from decimal import Decimal

import pytest

from services.marketplace.settlement.domain import Terms, TermsNotWhole
from services.marketplace.settlement.money import rupiah, shares


def test_shares_go_to_the_largest_remainders_and_add_up_exactly() -> None:
    assert shares(100, {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)}) == {"a": 34, "b": 33, "c": 33}
    assert shares(10, {"a": Decimal("2.5"), "b": Decimal("7.5")}) == {"a": 3, "b": 7}  # 2.5 / 7.5: a tie, a sorts first
    assert shares(7, {"x": Decimal(2), "y": Decimal(1)}) == {"x": 5, "y": 2}


def test_random_divisions_never_lose_or_invent_a_rupiah() -> None:
    draw = random.Random(7)
    for _ in range(2000):
        total = draw.randrange(0, 10_000_000)
        weights = {f"p{n}": Decimal(draw.randrange(1, 4000)) / 100 for n in range(draw.randrange(1, 12))}
        divided = shares(total, weights)
        assert sum(divided.values()) == total
        whole = sum(weights.values())
        # each share is within one rupiah of its exact part
        assert all(abs(divided[key] - total * weights[key] / whole) < 1 for key in weights)


def test_rupiah_round_half_up() -> None:
    assert (rupiah(Decimal("12.5")), rupiah(Decimal("12.49")), rupiah(Decimal("30000.000"))) == (13, 12, 30000)


def test_terms_split_by_whole_percent_and_add_up_to_a_hundred() -> None:
    assert Terms().split(1001) == {"premi": 501, "pnbp": 150, "working_capital": 350}
    assert Terms(40, 0, 60).split(99) == {"premi": 40, "pnbp": 0, "working_capital": 59}
    with pytest.raises(TermsNotWhole):
        Terms(50, 15, 30)
    with pytest.raises(TermsNotWhole):
        Terms(110, -10, 0)
