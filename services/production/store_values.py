"""How production's values are kept in BSON: decimals exactly (Decimal128), calendar days as midnight UTC."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

from bson.decimal128 import Decimal128


def exact(amount: Decimal | None) -> Decimal128 | None:
    return None if amount is None else Decimal128(amount)


def amount_of(stored: Decimal128 | None) -> Decimal | None:
    return None if stored is None else stored.to_decimal()


def day(value: date) -> datetime:
    return datetime.combine(value, time(), tzinfo=UTC)


def date_of(stored: datetime) -> date:
    return stored.date()
