"""Units of measure, exact conversions between them, and the clock production records by; pure, never a float."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Context, Decimal, Inexact, Rounded, localcontext
from enum import StrEnum

from shared.errors import InvalidInput


class Unit(StrEnum):
    KILOGRAM = "kg"
    GRAM = "g"
    TONNE = "t"
    COUNT = "count"
    BUNCHES = "bunches"
    UNITS = "units"
    LITRES = "litres"
    MILLILITRES = "ml"


class Dimension(StrEnum):
    MASS = "mass"
    VOLUME = "volume"
    COUNT = "count"


# Each convertible unit is its base unit (g, ml) times ten to this power; count-like units have none.
_POWERS_OF_TEN: dict[Unit, tuple[Dimension, int]] = {
    Unit.GRAM: (Dimension.MASS, 0),
    Unit.KILOGRAM: (Dimension.MASS, 3),
    Unit.TONNE: (Dimension.MASS, 6),
    Unit.MILLILITRES: (Dimension.VOLUME, 0),
    Unit.LITRES: (Dimension.VOLUME, 3),
}


class UnknownUnit(InvalidInput):
    """The unit is not one production measures in."""


class NonPositiveQuantity(InvalidInput):
    """A quantity received, sown or produced is more than zero."""


class IncompatibleUnits(InvalidInput):
    """Only mass converts to mass and volume to volume; counts, bunches and units never convert."""


def dimension(unit: Unit) -> Dimension:
    return _POWERS_OF_TEN[unit][0] if unit in _POWERS_OF_TEN else Dimension.COUNT


def parse_unit(text: str, *, field: str = "unit") -> Unit:
    try:
        return Unit(text)
    except ValueError:
        known = ", ".join(unit.value for unit in Unit)
        raise UnknownUnit(f"Unknown unit {text!r}; use one of {known}.", field=field) from None


@dataclass(frozen=True)
class Quantity:
    """An exact amount in a unit. Compare quantities in one unit: `a.to(b.unit) == b`."""

    amount: Decimal
    unit: Unit

    def to(self, unit: Unit) -> "Quantity":
        """The same quantity in `unit`, exactly; IncompatibleUnits across dimensions or between count-like units."""
        if unit == self.unit:
            return self
        if self.unit not in _POWERS_OF_TEN or unit not in _POWERS_OF_TEN or dimension(unit) != dimension(self.unit):
            raise IncompatibleUnits(f"{self.unit.value} does not convert to {unit.value}.", field="unit")
        shift = _POWERS_OF_TEN[self.unit][1] - _POWERS_OF_TEN[unit][1]
        # scaleb moves the exponent and keeps every digit; the traps make any rounding an error, not a loss.
        exact = Context(prec=max(len(self.amount.as_tuple().digits), 1), traps=[Inexact, Rounded])
        with localcontext(exact):
            return Quantity(self.amount.scaleb(shift), unit)

    def __str__(self) -> str:
        return f"{format(self.amount, 'f')} {self.unit.value}"


def quantity(amount: Decimal, unit: Unit | str, *, field: str = "quantity", unit_field: str = "unit") -> Quantity:
    """A positive, finite quantity in a known unit; `field` and `unit_field` name the inputs at fault."""
    known_unit = unit if isinstance(unit, Unit) else parse_unit(unit, field=unit_field)
    if not amount.is_finite() or amount <= 0:
        raise NonPositiveQuantity(f"The {field.replace('_', ' ')} must be a number above zero.", field=field)
    return Quantity(amount, known_unit)


def now() -> datetime:
    """The current time (UTC) cut to the millisecond a BSON date keeps, so a record reads back exactly as made."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
