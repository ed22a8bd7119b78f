"""How production's values are kept in BSON: decimals exactly (Decimal128), calendar days as midnight UTC."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

from bson.decimal128 import Decimal128

from services.production.quantities.domain import Quantity, Unit


def exact(amount: Decimal | None) -> Decimal128 | None:
    return None if amount is None else Decimal128(amount)


def amount_of(stored: Decimal128 | None) -> Decimal | None:
    return None if stored is None else stored.to_decimal()


def amount(stored: Decimal128) -> Decimal:
    """A stored amount that is never missing."""
    return stored.to_decimal()


def quantity_of(stored: Decimal128, unit: str) -> Quantity:
    return Quantity(stored.to_decimal(), Unit(unit))


def day(value: date) -> datetime:
    return datetime.combine(value, time(), tzinfo=UTC)


def day_or_none(value: date | None) -> datetime | None:
    return None if value is None else day(value)


def date_of(stored: datetime) -> date:
    return stored.date()


def date_or_none(stored: datetime | None) -> date | None:
    return None if stored is None else stored.date()
