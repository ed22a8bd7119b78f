"""The catalogue's values written the Indonesian way: Rp12.000, 12,5 kg, 20 Oktober 2026, and words for its codes."""

from datetime import date
from decimal import Decimal, InvalidOperation

from services.marketplace.listings.domain import Category

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
CATEGORIES: dict[str, str] = {
    Category.VEGETABLES: "Sayuran",
    Category.FISH: "Ikan",
    Category.PROCESSED_FOOD: "Makanan olahan",
    Category.CRAFTS: "Kerajinan",
    Category.OTHER: "Lainnya",
}
UNITS = {
    "kg": "kg", "g": "gram", "t": "ton", "count": "ekor", "bunches": "ikat",
    "units": "buah", "litres": "liter", "ml": "ml",
}  # fmt: skip
SOURCES = {"harvest": "Panen", "batch": "Produksi"}


def number(value: Decimal | int | str) -> str:
    """`1234.50` -> `1.234,5`: dots between thousands, a comma before the decimals, no trailing zeros."""
    try:
        exact = Decimal(value)
    except InvalidOperation:
        return str(value)
    if not exact.is_finite():
        return str(value)
    sign = "-" if exact < 0 else ""
    whole, _, decimals = format(abs(exact).normalize(), "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{decimals}" if decimals else f"{sign}{grouped}"


def rupiah(amount: int) -> str:
    """`12000` -> `Rp12.000`."""
    return f"Rp{number(amount)}"


def unit(code: str) -> str:
    return UNITS.get(code, code)


def quantity(amount: Decimal | int | str, code: str) -> str:
    """`"12.50", "kg"` -> `12,5 kg`."""
    return f"{number(amount)} {unit(code)}"


def day(value: date | str | None) -> str:
    """`2026-10-20` -> `20 Oktober 2026`; an unknown day says so."""
    if value is None:
        return "belum diketahui"
    known = value if isinstance(value, date) else date.fromisoformat(value[:10])
    return f"{known.day} {MONTHS[known.month - 1]} {known.year}"


def category(code: str) -> str:
    return CATEGORIES.get(code, code)


def source(code: str) -> str:
    return SOURCES.get(code, code)


def named(party_id: str | None, name: str | None = None) -> str:
    """A facility or an agency by its name once the marketplace learnt it (from enrolment's events), else its id."""
    return name or party_id or "belum diketahui"
