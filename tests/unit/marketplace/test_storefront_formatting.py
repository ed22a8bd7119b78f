"""The storefront writes rupiah, amounts and days the Indonesian way, and names codes in Indonesian."""

from datetime import date
from decimal import Decimal

import pytest

from services.marketplace.listings.domain import Category
from services.marketplace.storefront import formatting


@pytest.mark.parametrize(
    ("amount", "written"),
    [(0, "Rp0"), (500, "Rp500"), (12000, "Rp12.000"), (1250000, "Rp1.250.000"), (10**12, "Rp1.000.000.000.000")],
)
def test_rupiah_have_dots_between_thousands_and_no_space_after_rp(amount: int, written: str) -> None:
    assert formatting.rupiah(amount) == written


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("20.0", "20"),
        ("12.50", "12,5"),
        ("0.5", "0,5"),
        ("1500.25", "1.500,25"),
        ("1E+3", "1.000"),
        (Decimal("0.000"), "0"),
        (7, "7"),
        ("-2.5", "-2,5"),
    ],
)
def test_amounts_have_a_decimal_comma_no_trailing_zeros_and_no_exponent(amount: str | int, written: str) -> None:
    assert formatting.number(amount) == written


def test_an_amount_that_is_not_a_number_is_shown_as_it_is_rather_than_failing_the_page() -> None:
    assert [formatting.number(odd) for odd in ("banyak", "NaN", "Infinity")] == ["banyak", "NaN", "Infinity"]


def test_a_quantity_names_its_unit_in_indonesian_and_an_unknown_unit_by_its_code() -> None:
    assert formatting.quantity("35.5", "kg") == "35,5 kg"
    assert formatting.quantity("200", "units") == "200 buah"
    assert formatting.quantity("3", "bunches") == "3 ikat"
    assert formatting.quantity("2", "t") == "2 ton"
    assert formatting.quantity("4", "karung") == "4 karung"


def test_days_are_written_with_indonesian_month_names_and_an_unknown_day_says_so() -> None:
    assert formatting.day("2026-10-20") == "20 Oktober 2026"
    assert formatting.day(date(2027, 1, 2)) == "2 Januari 2027"
    assert formatting.day("2026-08-17T09:30:00+00:00") == "17 Agustus 2026"
    assert formatting.day(None) == "belum diketahui"


def test_every_category_has_an_indonesian_name() -> None:
    assert {formatting.category(category.value) for category in Category} == {
        "Sayuran",
        "Ikan",
        "Makanan olahan",
        "Kerajinan",
        "Lainnya",
    }


def test_facilities_and_agencies_are_shown_by_their_learnt_names_else_by_id() -> None:
    assert formatting.named("rutan-serang", "Rutan Kelas IIB Serang") == "Rutan Kelas IIB Serang"
    assert formatting.named("lapas-cilegon") == "lapas-cilegon"
    assert formatting.named(None) == "belum diketahui"
    assert (formatting.source("harvest"), formatting.source("batch")) == ("Panen", "Produksi")
