"""What the storefront shows and asks, the Indonesian way: values written as Rp12.000, 12,5 kg, 20 Oktober 2026
and words for the catalogue's codes; and a buyer's search from the form, the same parameters as `GET /listings`,
checked here so that a mistake is told in words on the page (the API's own checks answer in problem+json);
pure."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from services.marketplace.catalogue.domain import Search
from services.marketplace.listings.domain import Category
from shared.http.bounds import LARGEST_COUNT

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


FIELDS = ("q", "category", "price_min", "price_max", "in_stock", "facility_id", "agency_id")
LONGEST_TEXT = 100
LONGEST_ID = 64
HIGHEST_PRICE = LARGEST_COUNT * 1000
CATEGORY_CODES = {category.value for category in Category}
YES, NO = ("true", "1", "on"), ("false", "0", "off")


class UnclearSearch(ValueError):
    """A value of the form the catalogue cannot search by; the message tells the buyer which, in Indonesian."""


@dataclass(frozen=True)
class Asked:
    """A buyer's search: the form's values as sent (to show them back) and the catalogue search they mean."""

    form: dict[str, str]
    search: Search = field(default_factory=Search)
    after: str | None = None
    problem: str | None = None

    def link(self, *, after: str | None = None) -> str:
        """The query string of this search, from the first page or after a cursor."""
        kept = {name: value for name, value in self.form.items() if value}
        return urlencode(kept | ({"after": after} if after else {}))


def asked(params: Mapping[str, str]) -> Asked:
    """The buyer's search; with `problem` set, and no search, when a value cannot be searched by."""
    form = {name: params.get(name, "").strip() for name in FIELDS}
    after = params.get("after") or None
    try:
        search = _search(form)
        if after is not None and len(after) > LONGEST_ID:
            raise UnclearSearch("Tautan halaman berikutnya tidak dikenal; mulailah dari halaman pertama.")
    except UnclearSearch as unclear:
        return Asked(form, problem=str(unclear))
    return Asked(form, search, after)


def _search(form: dict[str, str]) -> Search:
    if len(form["q"]) > LONGEST_TEXT:
        raise UnclearSearch(f"Kata pencarian paling panjang {LONGEST_TEXT} huruf.")
    if form["category"] and form["category"] not in CATEGORY_CODES:
        raise UnclearSearch("Kategori itu tidak ada; pilih salah satu dari daftar.")
    for name in ("facility_id", "agency_id"):
        if len(form[name]) > LONGEST_ID:
            raise UnclearSearch("Pilihan fasilitas atau OPD tidak dikenal; pilih salah satu dari daftar.")
    price_min, price_max = _price(form["price_min"], "terendah"), _price(form["price_max"], "tertinggi")
    if price_min is not None and price_max is not None and price_min > price_max:
        raise UnclearSearch("Harga terendah melebihi harga tertinggi.")
    return Search(
        text=form["q"] or None,
        category=form["category"] or None,
        price_min=price_min,
        price_max=price_max,
        in_stock=_yes_or_no(form["in_stock"]),
        facility_id=form["facility_id"] or None,
        agency_id=form["agency_id"] or None,
    )


def _price(text: str, which: str) -> int | None:
    """Whole rupiah, written as people write them: `12000`, `12.000` or `Rp 12.000`."""
    digits = text.removeprefix("Rp").removeprefix("rp").replace(".", "").replace(" ", "")
    if not digits:
        return None
    written = digits.isascii() and digits.isdigit() and len(digits) <= len(str(HIGHEST_PRICE))
    if written and int(digits) <= HIGHEST_PRICE:
        return int(digits)
    raise UnclearSearch(f"Harga {which} ditulis dengan angka rupiah bulat, misalnya 12.000.")


def _yes_or_no(text: str) -> bool | None:
    if not text:
        return None
    if text.casefold() in YES:
        return True
    if text.casefold() in NO:
        return False
    raise UnclearSearch("Pilihan 'hanya yang tersedia' tidak dikenal.")
