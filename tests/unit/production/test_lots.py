"""Lots are graded within what was yielded and conserved: nothing leaves beyond the balance, units exact."""

from datetime import date
from decimal import Decimal

import pytest

from services.production.lots.domain import (
    AlreadyReleased,
    DispositionKind,
    Grade,
    MissingDetail,
    OverBalance,
    OverGraded,
    OverReleased,
    dispose,
    grade,
    release_for_sale,
    spec,
)
from services.production.quantities.domain import IncompatibleUnits
from shared.contracts.production import LotDisposed
from tests.support.production import WORKSHOP, graded_lot, harvest

ON = date(2026, 12, 21)


def test_grading_takes_no_more_than_the_harvest_yielded_counting_earlier_lots_in_its_unit() -> None:
    source, _ = harvest()  # 61.5 kg
    once, lots, events = grade(source, [spec("L-1", Grade.A, Decimal("40000"), "g", None)])
    assert (once.graded, once.version, lots[0].quantity.unit.value) == (Decimal(40), 2, "g")
    assert events[0].model_dump(mode="json")["quantity"] == "40000"
    twice, _, _ = grade(once, [spec("L-2", Grade.B, Decimal("21.5"), "kg", None)])
    assert twice.graded == Decimal("61.5")
    with pytest.raises(OverGraded) as refused:
        grade(twice, [spec("L-3", Grade.C, Decimal("1"), "g", None)])
    assert refused.value.field == "lots"


def test_a_batch_is_graded_in_units() -> None:
    from services.production.batches.domain import produce_batch

    batch, _ = produce_batch(WORKSHOP, credits=[], standings={}, batch_code="K", units=10, produced_on=ON)
    _, [lot], [event] = grade(batch, [spec("K-A", Grade.A, Decimal(10), "units", None)])
    assert (event.source, event.unit, lot.commodity) == ("batch", "units", "lele")
    with pytest.raises(IncompatibleUnits):
        grade(batch, [spec("K-A", Grade.A, Decimal(1), "kg", None)])


def test_dispositions_convert_exactly_into_the_lots_unit_and_never_exceed_its_balance() -> None:
    lot = graded_lot()
    lot, event = dispose(lot, kind=DispositionKind.KITCHEN, amount=Decimal("2500"), unit="g", on=ON)
    assert isinstance(event, LotDisposed)
    assert (event.kind, event.quantity, event.unit, event.balance) == (
        "kitchen",
        Decimal("2.500"),
        "kg",
        Decimal("37.5"),
    )
    assert (lot.balance, lot.dispositions[0].quantity.amount) == (Decimal("37.5"), Decimal("2.500"))
    lot, distributed = dispose(
        lot, kind=DispositionKind.DISTRIBUTED, amount=Decimal("0.0375"), unit="t", on=ON, recipient="Posyandu"
    )
    assert distributed is not None
    assert distributed.model_dump(mode="json")["balance"] == "0.000"
    assert lot.balance == 0
    with pytest.raises(OverBalance) as refused:
        dispose(lot, kind=DispositionKind.SOLD, amount=Decimal("1"), unit="g", on=ON)
    assert refused.value.field == "quantity"


def test_a_released_reservation_returns_to_the_balance_but_never_more_than_is_reserved() -> None:
    lot = graded_lot()
    lot, _ = dispose(lot, kind=DispositionKind.RESERVED, amount=Decimal("10"), unit="kg", on=ON)
    assert (lot.balance, lot.reserved) == (Decimal(30), Decimal(10))
    lot, event = dispose(lot, kind=DispositionKind.RESERVATION_RELEASED, amount=Decimal("4000"), unit="g", on=ON)
    assert isinstance(event, LotDisposed)
    assert (event.kind, event.balance, lot.balance, lot.reserved) == ("reservation_released", 34, 34, 6)
    with pytest.raises(OverReleased) as refused:
        dispose(lot, kind=DispositionKind.RESERVATION_RELEASED, amount=Decimal("6.001"), unit="kg", on=ON)
    assert refused.value.field == "quantity"
    emptied, _ = dispose(lot, kind=DispositionKind.SOLD, amount=Decimal("34"), unit="kg", on=ON)
    assert (emptied.balance, emptied.reserved) == (0, Decimal(6))


def test_the_whole_balance_can_leave_but_not_a_gram_more() -> None:
    lot = graded_lot("1.5")
    with pytest.raises(OverBalance):
        dispose(lot, kind=DispositionKind.SOLD, amount=Decimal("1501"), unit="g", on=ON)
    emptied, _ = dispose(lot, kind=DispositionKind.SOLD, amount=Decimal("1500"), unit="g", on=ON)
    assert emptied.balance == 0


def test_a_distribution_names_its_recipient_and_a_write_off_its_reason() -> None:
    lot = graded_lot()
    with pytest.raises(MissingDetail) as no_recipient:
        dispose(lot, kind=DispositionKind.DISTRIBUTED, amount=Decimal(1), unit="kg", on=ON)
    assert no_recipient.value.field == "recipient"
    with pytest.raises(MissingDetail) as no_reason:
        dispose(lot, kind=DispositionKind.WRITTEN_OFF, amount=Decimal(1), unit="kg", on=ON)
    assert no_reason.value.field == "reason"
    _, written_off = dispose(lot, kind=DispositionKind.WRITTEN_OFF, amount=Decimal(1), unit="kg", on=ON, reason="rot")
    assert written_off is not None
    assert written_off.reason == "rot"


def test_release_for_sale_offers_the_balance_with_its_provenance_once() -> None:
    lot, _ = dispose(graded_lot(), kind=DispositionKind.KITCHEN, amount=Decimal(5), unit="kg", on=ON)
    released, event = release_for_sale(lot)
    assert (event.quantity, event.unit, event.grade, event.harvest_id, event.batch_id) == (
        Decimal(35),
        "kg",
        "A",
        lot.source_id,
        None,
    )
    with pytest.raises(AlreadyReleased):
        release_for_sale(released)
