"""The storefront's templates escape whatever a listing holds, in the page and in its JSON-LD."""

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from services.marketplace.listings.catalogue import Choices, Found
from services.marketplace.listings.catalogue_api import product
from services.marketplace.storefront.pages import TEMPLATES
from services.marketplace.storefront.searches import asked
from shared.contracts.marketplace import ListingState, Provenance

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
