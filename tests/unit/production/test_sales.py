"""A marketplace sale is taken from its lot once, exactly in the lot's unit, and never beyond its balance; what an
order holds is reserved (or refused) before, and no disposition takes it."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.production.lots.domain import (
    DispositionKind,
    NotForSale,
    NotReserved,
    OverBalance,
    account_sale,
    dispose,
    hold_for_order,
    release_for_sale,
    release_hold,
    sell_held,
)
from services.production.quantities.domain import IncompatibleUnits
from shared.contracts.marketplace import LotHeld, LotHoldReleased, LotSold, LotSoldToOrder
from shared.contracts.production import LotHoldAccepted, LotHoldRefused
from tests.support.production import graded_lot

ON = date(2027, 3, 1)


def sale(sale_id: str, amount: str, unit: str = "g") -> LotSold:
    return LotSold(sale_id=sale_id, lot_id="lot", quantity=Decimal(amount), unit=unit, sold_on=ON)


def test_a_sale_is_taken_once_in_the_lots_unit_however_often_it_is_reported() -> None:
    lot, _ = release_for_sale(graded_lot("40"))
    sold = account_sale(lot, sale("s-1", "3000"))
    assert sold is not None
    [taken] = sold.dispositions
    assert (taken.kind, taken.quantity.amount, taken.sale_id, taken.on) == (DispositionKind.SOLD, Decimal(3), "s-1", ON)
    assert (sold.balance, sold.version) == (Decimal(37), lot.version + 1)
    assert account_sale(sold, sale("s-1", "3000")) is None


def test_a_sale_beyond_the_balance_or_in_another_dimension_or_of_an_unreleased_lot_is_refused() -> None:
    lot, _ = release_for_sale(graded_lot("1.5"))
    with pytest.raises(OverBalance):
        account_sale(lot, sale("s-2", "1501"))
    assert account_sale(lot, sale("s-2", "1500")) is not None
    with pytest.raises(IncompatibleUnits):
        account_sale(lot, sale("s-3", "1", "units"))
    with pytest.raises(NotForSale):
        account_sale(graded_lot(), sale("s-4", "1"))


HELD_UNTIL = datetime(2027, 3, 1, 9, tzinfo=UTC)


def held(hold_id: str, amount: str, unit: str = "kg") -> LotHeld:
    return LotHeld(
        hold_id=hold_id,
        order_id=f"order-{hold_id}",
        lot_id="lot",
        quantity=Decimal(amount),
        unit=unit,
        held_until=HELD_UNTIL,
    )


def sold_to_order(hold_id: str, amount: str, unit: str = "kg") -> LotSoldToOrder:
    return LotSoldToOrder(
        sale_id=hold_id, order_id=f"order-{hold_id}", lot_id="lot", quantity=Decimal(amount), unit=unit, sold_on=ON
    )


def released(hold_id: str) -> LotHoldReleased:
    return LotHoldReleased(hold_id=hold_id, order_id=f"order-{hold_id}", lot_id="lot", reason="cancelled")


def test_what_an_order_holds_is_reserved_once_and_no_disposition_can_take_it() -> None:
    lot, _ = release_for_sale(graded_lot("10"))
    answered = hold_for_order(lot, held("h-1", "6"))
    assert answered is not None
    reserved, accepted = answered
    assert isinstance(accepted, LotHoldAccepted)
    assert (accepted.quantity, accepted.balance, reserved.balance, reserved.held_for_orders) == (6, 4, 4, 6)
    assert hold_for_order(reserved, held("h-1", "6")) is None  # told again: answered already
    with pytest.raises(OverBalance):
        dispose(reserved, kind=DispositionKind.WRITTEN_OFF, amount=Decimal(5), unit="kg", on=ON, reason="busuk")
    written, _ = dispose(reserved, kind=DispositionKind.WRITTEN_OFF, amount=Decimal(4), unit="kg", on=ON, reason="x")
    assert written.balance == 0


def test_a_hold_beyond_the_balance_or_of_a_lot_not_for_sale_is_refused_with_the_reason() -> None:
    lot, _ = release_for_sale(graded_lot("10"))
    written, _ = dispose(lot, kind=DispositionKind.WRITTEN_OFF, amount=Decimal(8), unit="kg", on=ON, reason="layu")
    answered = hold_for_order(written, held("h-2", "3"))
    assert answered is not None
    after, refusal = answered
    assert isinstance(refusal, LotHoldRefused)
    assert refusal.reason == "The lot holds only 2 kg; 3 kg cannot be held."
    assert (after.balance, after.held_for_orders, hold_for_order(after, held("h-2", "3"))) == (2, 0, None)
    for unsold, hold in ((graded_lot("10"), held("h-3", "1")), (lot, held("h-4", "1", "units"))):
        answer = hold_for_order(unsold, hold)
        assert answer is not None
        assert isinstance(answer[1], LotHoldRefused)


def test_a_reserved_hold_is_sold_once_or_released_back_to_the_lot() -> None:
    lot, _ = release_for_sale(graded_lot("10"))
    answered = hold_for_order(lot, held("h-5", "2500", "g"))
    assert answered is not None
    reserved, _ = answered
    sold = sell_held(reserved, sold_to_order("h-5", "2500", "g"))
    assert sold is not None
    [taken] = sold.dispositions
    assert (taken.kind, taken.quantity.amount, taken.sale_id, sold.balance) == (DispositionKind.SOLD, 2.5, "h-5", 7.5)
    assert sell_held(sold, sold_to_order("h-5", "2500", "g")) is None
    assert release_hold(sold, released("h-5")) is None  # sold: nothing to return
    back = release_hold(reserved, released("h-5"))
    assert back is not None
    assert (back.balance, back.held_for_orders) == (10, 0)
    with pytest.raises(NotReserved):
        sell_held(back, sold_to_order("h-5", "2500", "g"))


def test_a_release_told_before_its_hold_keeps_the_hold_from_being_reserved() -> None:
    lot, _ = release_for_sale(graded_lot("10"))
    gone = release_hold(lot, released("h-6"))
    assert gone is not None
    assert (hold_for_order(gone, held("h-6", "1")), gone.balance) == (None, 10)


def test_a_sale_of_an_order_placed_before_holds_were_reserved_is_taken_from_the_balance() -> None:
    lot, _ = release_for_sale(graded_lot("10"))
    sold = sell_held(lot, sold_to_order("h-7", "4"))
    assert sold is not None
    assert sold.balance == 6
    with pytest.raises(OverBalance):
        sell_held(lot, sold_to_order("h-8", "11"))
