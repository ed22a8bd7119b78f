"""Settling an order without I/O: per programme, by its terms, premi by hours; credits unknown wait; and whole
rupiah divided by weights, nothing lost or invented, whatever the weights."""

import random
from datetime import date, datetime
from decimal import Decimal

import pytest

from services.marketplace.orders.domain import Allocation, Buyer, Line, Order, OrderStatus
from services.marketplace.settlement.domain import (
    Terms,
    TermsNotWhole,
    pay_pending,
    payment_id,
    rupiah,
    settle,
    shares,
)

ON = date(2026, 11, 3)


def order_of(*allocations: Allocation) -> Order:
    line = Line("listing", Decimal(1), "kg", 1, sum(a.amount for a in allocations), allocations)
    at = datetime(2026, 11, 1)
    return Order(
        "order-1", "rutan-serang", "key", Buyer("b", "c"), (line,), OrderStatus.FULFILLED, at,
        None, None, None, None, ON, None, False, at, at, 3,
    )  # fmt: skip


def test_each_programme_is_settled_by_its_own_terms_and_every_rupiah_is_placed() -> None:
    order = order_of(
        Allocation("lot-1", "veg", "h-1", Decimal(3), 36001),
        Allocation("lot-2", "fish", "h-2", Decimal(2), 50000),
    )
    hours = {"h-1": {"p-1": Decimal("2.5"), "p-2": Decimal("2.5"), "p-3": Decimal(1)}, "h-2": {"p-4": Decimal(8)}}
    fish, veg = settle(order, terms={"fish": Terms(30, 0, 70)}, hours=hours, agencies={"veg": "dkpp"}, on=ON)
    assert (veg.programme_id, veg.agency_id, veg.proceeds) == ("veg", "dkpp", 36001)
    assert (veg.premi, veg.pnbp, veg.working_capital) == (18001, 5400, 12600)
    # 18001 by 2.5 : 2.5 : 1 is 7500.42, 7500.42 and 3000.17: the rupiah left goes to the first of the tie
    assert veg.paid == {"p-1": 7501, "p-2": 7500, "p-3": 3000}
    assert (fish.premi, fish.pnbp, fish.working_capital, fish.paid) == (15000, 0, 35000, {"p-4": 15000})
    assert veg.id != fish.id
    assert veg.pending == {} == fish.pending


def test_premi_of_a_lot_whose_credits_are_unknown_waits_and_is_paid_under_its_own_id() -> None:
    order = order_of(Allocation("lot-1", "veg", "h-1", Decimal(3), 1000))
    [waiting] = settle(order, terms={}, hours={}, agencies={}, on=ON)
    assert (waiting.premi, waiting.paid, waiting.pending) == (500, {}, {"h-1": 500})
    paid, now = pay_pending(waiting, "h-1", {"p-1": Decimal(1), "p-2": Decimal(2)})
    assert (now, paid.pending, paid.paid) == ({"p-1": 167, "p-2": 333}, {}, {"p-1": 167, "p-2": 333})
    assert payment_id(paid, "h-1") not in (paid.id, payment_id(paid, "h-2"))
    assert pay_pending(paid, "h-1", {"p-1": Decimal(1)}) == (paid, {})  # paid once


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
