"""Bounds on the days and whole numbers a request may carry, so every value a route accepts is one it can store."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)
LARGEST_COUNT = 1_000_000_000
"""Far below the database's int64, far above any real count of people, hours, units or fish."""


def within_calendar(day: date) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"a day between {EARLIEST_DAY} and {LATEST_DAY}")
    return day


def not_in_future(day: date) -> date:
    # the latest date on Earth: a day that is today in Jakarta is never refused while UTC is still on yesterday
    if day > (datetime.now(UTC) + timedelta(hours=14)).date():
        raise ValueError("a day that has already come, not one in the future")
    return day


Day = Annotated[date, AfterValidator(within_calendar)]
"""A calendar day between 1900 and 2100: older ones are typing errors and break date arithmetic downstream."""

PastDay = Annotated[Day, AfterValidator(not_in_future)]
"""A day on which something has already happened (a birth, an assessment): not in the future."""

Count = Annotated[int, Field(ge=0, le=LARGEST_COUNT)]
"""A whole number of things; the domain says whether zero is allowed."""

Amount = Annotated[
    Decimal,
    Field(
        max_digits=18,
        decimal_places=6,
        description='A number or, to be exact beyond a float\'s 15 digits, a string such as "12.5"',
    ),
]
"""An exact amount in a request: a JSON number or a numeric string, at most 18 digits and 6 decimal places."""

Rupiah = Annotated[int, Field(gt=0, le=LARGEST_COUNT * 1000, description="Whole rupiah, above zero")]
"""A price or amount in whole rupiah."""
