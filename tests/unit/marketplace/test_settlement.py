"""Settling an order without I/O: per programme, by its terms, premi by hours; credits unknown wait."""

from datetime import date, datetime
from decimal import Decimal

from services.marketplace.orders.domain import Allocation, Buyer, Line, Order, OrderStatus
from services.marketplace.settlement.domain import Terms, pay_pending, payment_id, settle

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
