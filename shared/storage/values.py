"""How every service keeps days and exact amounts in BSON: a calendar day as midnight UTC (a BSON date, so it
sorts and compares in queries), an exact amount as Decimal128 (never a float, never text). The `*_or_none`
forms pass a missing value through; `older_*` read what earlier versions stored (ISO text), for migrations."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

from bson.decimal128 import Decimal128


def stored_day(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def stored_day_or_none(day: date | None) -> datetime | None:
    return None if day is None else stored_day(day)


def day_of(stored: datetime) -> date:
    return stored.date()


def day_or_none(stored: datetime | None) -> date | None:
    return None if stored is None else stored.date()


def stored_amount(amount: Decimal) -> Decimal128:
    return Decimal128(amount)


def stored_amount_or_none(amount: Decimal | None) -> Decimal128 | None:
    return None if amount is None else Decimal128(amount)


def amount_of(stored: Decimal128) -> Decimal:
    return stored.to_decimal()


def amount_or_none(stored: Decimal128 | None) -> Decimal | None:
    return None if stored is None else stored.to_decimal()


def older_day(stored: object) -> datetime | None:
    """A day as an earlier version may have stored it (ISO text, or already a date), in today's form."""
    if stored is None or isinstance(stored, datetime):
        return stored
    return stored_day(date.fromisoformat(str(stored)))


def older_amount(stored: object) -> Decimal128 | None:
    """An exact amount as an earlier version may have stored it (decimal text), in today's form."""
    if stored is None or isinstance(stored, Decimal128):
        return stored
    return Decimal128(Decimal(str(stored)))
