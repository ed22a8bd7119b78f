"""A marketplace sale is taken from its lot once, exactly in the lot's unit, and never beyond its balance."""

from datetime import date
from decimal import Decimal

import pytest

from services.production.lots.domain import DispositionKind, NotForSale, OverBalance, account_sale, release_for_sale
from services.production.quantities.domain import IncompatibleUnits
from shared.contracts.marketplace import LotSold
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
