"""Units convert exactly within mass and volume, never across dimensions or between count-like units."""

from decimal import Decimal

import pytest

from services.production.quantities.domain import (
    IncompatibleUnits,
    NonPositiveQuantity,
    Quantity,
    Unit,
    UnknownUnit,
    parse_unit,
    quantity,
)


def test_one_and_a_half_kilograms_are_exactly_fifteen_hundred_grams_and_back() -> None:
    grams = Quantity(Decimal("1.5"), Unit.KILOGRAM).to(Unit.GRAM)
    assert grams == Quantity(Decimal(1500), Unit.GRAM)
    assert str(grams) == "1500 g"
    assert grams.to(Unit.KILOGRAM) == Quantity(Decimal("1.5"), Unit.KILOGRAM)


def test_tonnes_and_millilitres_convert_by_powers_of_ten() -> None:
    assert Quantity(Decimal("0.000001"), Unit.TONNE).to(Unit.GRAM).amount == 1
    assert Quantity(Decimal("2.5"), Unit.TONNE).to(Unit.KILOGRAM).amount == 2500
    assert Quantity(Decimal(250), Unit.MILLILITRES).to(Unit.LITRES).amount == Decimal("0.25")


def test_tenths_add_up_exactly_as_they_never_would_in_floats() -> None:
    tenth, fifth = Quantity(Decimal("0.1"), Unit.KILOGRAM), Quantity(Decimal("0.2"), Unit.KILOGRAM)
    assert 0.1 + 0.2 != 0.3
    assert tenth.amount + fifth.amount == Decimal("0.3")
    assert tenth.to(Unit.GRAM).amount + fifth.to(Unit.GRAM).amount == 300


def test_every_digit_of_a_long_amount_survives_a_round_trip() -> None:
    amount = Decimal("123456789012.123456")
    assert Quantity(amount, Unit.TONNE).to(Unit.GRAM).to(Unit.TONNE).amount == amount
    assert Quantity(amount, Unit.TONNE).to(Unit.GRAM).amount == Decimal("123456789012123456")


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (Unit.KILOGRAM, Unit.LITRES),
        (Unit.MILLILITRES, Unit.GRAM),
        (Unit.COUNT, Unit.UNITS),
        (Unit.BUNCHES, Unit.COUNT),
        (Unit.COUNT, Unit.KILOGRAM),
        (Unit.KILOGRAM, Unit.BUNCHES),
    ],
)
def test_units_of_different_dimensions_or_count_like_units_refuse_to_convert(source: Unit, target: Unit) -> None:
    with pytest.raises(IncompatibleUnits) as refused:
        Quantity(Decimal(3), source).to(target)
    assert refused.value.field == "unit"


def test_a_count_like_unit_converts_only_to_itself() -> None:
    bunches = Quantity(Decimal(12), Unit.BUNCHES)
    assert bunches.to(Unit.BUNCHES) is bunches


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("-0.5"), Decimal("-0"), Decimal("NaN"), Decimal("Infinity")])
def test_a_quantity_is_finite_and_above_zero(amount: Decimal) -> None:
    with pytest.raises(NonPositiveQuantity) as refused:
        quantity(amount, "kg")
    assert refused.value.field == "quantity"


def test_an_unknown_unit_is_refused_naming_the_field_given() -> None:
    with pytest.raises(UnknownUnit) as refused:
        quantity(Decimal(1), "sacks", field="seed_quantity", unit_field="seed_unit")
    assert refused.value.field == "seed_unit"
    assert "kg" in refused.value.detail
    assert parse_unit("litres") is Unit.LITRES


def test_a_valid_quantity_keeps_its_amount_as_given() -> None:
    assert quantity(Decimal("1.50"), "kg") == Quantity(Decimal("1.50"), Unit.KILOGRAM)
    assert str(quantity(Decimal("1.50"), Unit.KILOGRAM)) == "1.50 kg"
