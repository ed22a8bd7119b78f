"""The storefront's search form means the catalogue API's search, and a value it cannot search by is told in words."""

import pytest

from services.marketplace.listings.catalogue import Search
from services.marketplace.storefront.searches import asked


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
