"""The storefront writes rupiah, amounts and days the Indonesian way and names codes in Indonesian; its search form
means the catalogue API's search, and a value it cannot search by is told in words; its templates escape whatever
a listing holds, in the page and in its JSON-LD."""

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from services.marketplace.catalogue.domain import Choices, Found, Search, product
from services.marketplace.listings.domain import Category
from services.marketplace.storefront import domain as formatting
from services.marketplace.storefront.domain import asked
from services.marketplace.storefront.pages import TEMPLATES
from shared.contracts.marketplace import ListingState, Provenance


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


def test_the_form_becomes_the_catalogues_search_and_empty_fields_ask_for_nothing() -> None:
    form = {"q": " lele ", "category": "fish", "price_min": "Rp 10.000", "price_max": "25000", "in_stock": "true"}
    search = asked(form | {"facility_id": "rutan-serang", "agency_id": "", "after": "bGlzdGluZ3M6Nw"})
    assert search.problem is None
    assert search.search == Search(
        text="lele", category="fish", price_min=10000, price_max=25000, in_stock=True, facility_id="rutan-serang"
    )
    assert search.after == "bGlzdGluZ3M6Nw"
    assert asked({}).search == Search()
    assert asked({"in_stock": "false"}).search == Search(in_stock=False)


def test_a_pages_link_keeps_the_search_and_adds_the_cursor() -> None:
    search = asked({"q": "kangkung & bayam", "category": "", "price_max": "12.000"})
    assert search.link() == "q=kangkung+%26+bayam&price_max=12.000"
    assert search.link(after="bGlzdGluZ3M6Nw") == "q=kangkung+%26+bayam&price_max=12.000&after=bGlzdGluZ3M6Nw"


@pytest.mark.parametrize(
    ("form", "told"),
    [
        ({"price_min": "murah"}, "Harga terendah"),
        ({"price_max": "1,5"}, "Harga tertinggi"),
        ({"price_max": "٣٠٠٠"}, "Harga tertinggi"),
        ({"price_max": "9" * 5000}, "Harga tertinggi"),
        ({"price_max": "1000000000001"}, "Harga tertinggi"),
        ({"price_min": "20.000", "price_max": "100"}, "melebihi"),
        ({"category": "senjata"}, "Kategori"),
        ({"in_stock": "mungkin"}, "tersedia"),
        ({"q": "x" * 101}, "100 huruf"),
        ({"agency_id": "a" * 65}, "OPD"),
        ({"after": "c" * 65}, "halaman"),
    ],
)
def test_a_value_the_catalogue_cannot_search_by_is_named_in_indonesian(form: dict[str, str], told: str) -> None:
    search = asked(form)
    assert search.problem is not None
    assert told in search.problem
    assert search.form["q"] == form.get("q", "")  # kept, to show the form back as it was sent


HOSTILE = '</script><script>alert("judul")</script><b onmouseover=alert(1)>'


def listing(**changes: Any) -> dict[str, Any]:
    lot = Provenance(
        lot_id="lot-1", lot_code=HOSTILE, facility_id="rutan-serang", programme_id="prog-1",
        programme_name="Olahan <i>pangan</i>", agency_id="diskoperindag", source="batch",
        produced_on=date(2026, 10, 22), grade="A", best_before=date(2027, 1, 22),
    )  # fmt: skip
    state = ListingState(
        listing_id="listing-1", facility_id="rutan-serang", product="keripik_pisang", title=HOSTILE,
        description=HOSTILE, category="processed_food", unit="units", price=15000, minimum_order=Decimal(10),
        stock=Decimal("1234.5"), food=True, pirt_number="P-IRT 2063604010123-29", halal_number=HOSTILE,
        photo_ids=["photo-1"], provenance=[lot], programme_ids=["prog-1"], agency_ids=["diskoperindag"],
        published_at=datetime(2026, 10, 23, tzinfo=UTC), updated_at=datetime(2026, 10, 24, tzinfo=UTC),
    )  # fmt: skip
    return {**state.model_dump(mode="json"), "status": "published"} | changes


def test_a_product_page_escapes_the_listing_everywhere_and_its_json_ld_reads_back_as_the_listing() -> None:
    shown = listing()
    html = TEMPLATES.get_template("product.html").render(root="", listing=shown, offer=product(shown, "http://x/"))
    assert "<b onmouseover" not in html
    assert html.count("<script") == 1  # the JSON-LD block, and no other
    assert "&lt;/script&gt;&lt;script&gt;alert(&#34;judul&#34;)" in html
    [data] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    offer = json.loads(data)
    assert (offer["name"], offer["offers"]["price"]) == (HOSTILE, 15000)
    for written in ("Rp15.000", "1.234,5 buah", "10 buah", "Olahan &lt;i&gt;pangan&lt;/i&gt;", "22 Januari 2027"):
        assert written in html


def test_the_catalogue_page_escapes_listings_and_the_buyers_own_words() -> None:
    found = Found([listing(), listing(listing_id="listing-2", stock="0")], cursor="bGlzdGluZ3M6Nw", more=True)
    search = asked({"q": '"><script>alert(1)</script>', "facility_id": HOSTILE})
    html = TEMPLATES.get_template("catalogue.html").render(
        root="",
        asked=search,
        choices=Choices(["rutan-serang"], ["diskoperindag"], {"rutan-serang": "Rutan <Kelas> IIB Serang"}),
        found=found,
    )
    assert "<script" not in html
    assert "<b onmouseover" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert 'href="/?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;facility_id=' in html
    assert "after=bGlzdGluZ3M6Nw" in html
    assert re.findall(r"Stok [^<]+", html) == ["Stok 1.234,5 buah", "Stok habis"]
