"""Days, numbers and rupiah as people read them, in the active language (Indonesian: `7 Desember 2026`,
`1.234,5`, `Rp 12.500`), with Babel."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from services.console.views.languages import active

NONE = "\u2013"  # an en dash: nothing to show
RUPIAH = "¤ #,##0.##"
JAKARTA = ZoneInfo("Asia/Jakarta")


def day(value: date | str | None) -> str:
    if value is None or value == "":
        return NONE
    known = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return format_date(known, format="long", locale=active.get())


def moment(value: datetime | str | None) -> str:
    if value is None or value == "":
        return NONE
    known = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return format_datetime(known, format="medium", tzinfo=JAKARTA, locale=active.get())


def number(value: Decimal | int | float | str) -> str:
    return format_decimal(Decimal(str(value)), locale=active.get())


def rupiah(amount: Decimal | int | str) -> str:
    """Whole rupiah: `Rp 12.500`."""
    return format_currency(Decimal(str(amount)), "IDR", format=RUPIAH, currency_digits=False, locale=active.get())


def percent(rate: float | None) -> str:
    return NONE if rate is None else format_percent(rate, locale=active.get())
