"""The buyers' storefront in a real headless browser (Debian's Chromium): the catalogue the API shows, searched,
paged and read product by product, on a desktop and on a phone."""

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import pytest
from markupsafe import escape
from PIL import Image, ImageDraw
from playwright.async_api import Browser, Page

from services.marketplace.main import MarketplaceSettings, create_app
from tests.support.browser import DESKTOP, PHONE, chromium, has_horizontal_scroll, screenshot
from tests.support.infrastructure import Infrastructure
from tests.support.marketplace import FOOD_PERMITS, Season, draft_of, founding_parties, learn, published
from tests.support.services import RunningService, eventually, serving, settings_for

WORKED = {"wbp-7f3a9c21": "4", "wbp-0d81e5b4": "2.5"}
"""Opaque ids of the participants credited: never on a public page."""
SNACK_TITLE = 'Keripik pisang "Renyah" <Asli>'
TITLES = {"kangkung": "Kangkung segar", "lele": "Lele segar", "keripik_pisang": SNACK_TITLE}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


@asynccontextmanager
async def marketplace_with(
    infrastructure: Infrastructure, namespace: str, **settings: Any
) -> AsyncIterator[RunningService]:
    async with serving(create_app(settings_for(MarketplaceSettings, infrastructure, namespace, **settings))) as service:
        yield service


def png(width: int = 320, height: int = 240) -> bytes:
    """A small photo: a pale sun over a green field."""
    image = Image.new("RGB", (width, height), (46, 139, 87))
    ImageDraw.Draw(image).ellipse((width // 3, height // 6, 2 * width // 3, height // 2), fill=(240, 200, 80))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def stocked(infrastructure: Infrastructure, namespace: str, marketplace: RunningService) -> dict[str, Any]:
    """Three published listings with a photo each (vegetables, catfish, and a food snack with its permits) and one
    draft, from three agencies' programmes; the catalogue API's items by product once their provenance is known."""
    officer = await marketplace.mint_key("listings:write", facility_id="rutan-serang")
    greens, fish, snacks = Season("dkpp"), Season("dinas-perikanan"), Season("diskoperindag")
    harvest, catch, batch = str(uuid4()), str(uuid4()), str(uuid4())
    await learn(
        infrastructure,
        namespace,
        enrolment=[
            *founding_parties(),
            greens.programme(), fish.programme("Budidaya lele"), snacks.programme("Olahan pangan UMKM"),
        ],
        production=[
            *(season.site() for season in (greens, fish, snacks)),
            greens.harvest(harvest, WORKED), fish.harvest(catch, WORKED), snacks.batch(batch, WORKED),
            greens.released(str(uuid4()), "20", harvest_id=harvest),
            greens.released(str(uuid4()), "5", harvest_id=harvest, product="bayam"),
            fish.released(str(uuid4()), "35.5", harvest_id=catch, product="lele"),
            snacks.released(
                str(uuid4()), "200", batch_id=batch, product="keripik_pisang", unit="units",
                best_before=date(2027, 1, 22),
            ),
        ],
    )  # fmt: skip
    revisions = {
        "kangkung": {},
        "lele": {"category": "fish", "price": 25000, "minimum_order": "1", "description": "Lele kolam terpal."},
        "keripik_pisang": {"category": "processed_food", "price": 15000, "minimum_order": "10", **FOOD_PERMITS},
    }
    for product, revision in revisions.items():
        draft = await draft_of(marketplace, officer, product)
        await published(marketplace, officer, draft["id"], title=TITLES[product], **revision)
        added = await marketplace.http.post(
            f"/listings/{draft['id']}/photos", content=png(), headers={**officer, "Content-Type": "image/png"}
        )
        assert added.status_code == 201, added.text
    return await eventually(lambda: catalogue_when_known(marketplace))


async def catalogue_when_known(marketplace: RunningService) -> dict[str, Any] | None:
    items = (await marketplace.http.get("/listings")).json()["items"]
    known = all(lot["programme_name"] and lot["produced_on"] for item in items for lot in item["provenance"])
    photographed = all(item["photo_ids"] for item in items)
    return {item["product"]: item for item in items} if len(items) == 3 and known and photographed else None


async def opened(page: Page, url: str) -> Page:
    response = await page.goto(url)
    assert response is not None
    assert response.status == 200, await response.text()
    return page


async def titles(page: Page) -> list[str]:
    return await page.locator("ul.products li h2").all_inner_texts()


async def submitted(page: Page, **fields: str) -> Page:
    """The search form filled in with `fields` (text inputs or selects) and sent, as a person would."""
    for name, value in fields.items():
        if await page.locator(f"select#{name}").count():
            await page.select_option(f"#{name}", value)
        else:
            await page.fill(f"#{name}", value)
    async with page.expect_navigation():
        await page.click("form.search button[type=submit]")
    return page


async def test_the_storefront_lists_what_the_catalogue_api_lists_and_a_search_narrows_it(
    infrastructure: Infrastructure,
    namespace: str,
    marketplace: RunningService,
    browser: Browser,
    request: pytest.FixtureRequest,
) -> None:
    listed = await stocked(infrastructure, namespace, marketplace)
    page = await opened(await browser.new_page(viewport=DESKTOP), f"{marketplace.base_url}/")
    assert sorted(await titles(page)) == sorted(TITLES.values())  # the unpublished bayam is not for sale
    links = await page.locator("ul.products li a").evaluate_all("links => links.map(a => a.pathname)")
    assert sorted(links) == sorted(f"/produk/{item['listing_id']}" for item in listed.values())
    cards = " ".join(await page.locator("ul.products li").all_inner_texts())
    for shown in ("Rp12.000", "Rp25.000", "Rp15.000", "Stok 20 kg", "Stok 35,5 kg", "Stok 200 buah"):
        assert shown in cards
    await screenshot(page, request, "desktop")

    assert await titles(await submitted(page, q="lele")) == ["Lele segar"]
    assert parse_qs(urlsplit(page.url).query) == {"q": ["lele"]}
    assert await titles(await submitted(page, q="", category="processed_food")) == [SNACK_TITLE]
    assert await titles(await submitted(page, category="", price_max="13.000")) == ["Kangkung segar"]
    assert await titles(await submitted(page, price_max="", agency_id="dinas-perikanan")) == ["Lele segar"]
    assert await titles(await submitted(page, agency_id="", q="tidak ada yang seperti ini")) == []
    assert "Tidak ada produk yang cocok" in await page.inner_text("main")


async def test_a_product_page_on_a_phone_shows_price_stock_provenance_permits_and_photo_without_sideways_scroll(
    infrastructure: Infrastructure,
    namespace: str,
    marketplace: RunningService,
    browser: Browser,
    request: pytest.FixtureRequest,
) -> None:
    snack = (await stocked(infrastructure, namespace, marketplace))["keripik_pisang"]
    phone = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = await opened(await phone.new_page(), f"{marketplace.base_url}/")
    assert not await has_horizontal_scroll(page)
    await screenshot(page, request, "phone-catalogue")

    async with page.expect_navigation():
        await page.get_by_role("link", name=SNACK_TITLE).click()
    assert urlsplit(page.url).path == f"/produk/{snack['listing_id']}"
    assert await page.inner_text("h1") == SNACK_TITLE  # escaped, so shown as written
    assert "Rp15.000" in await page.inner_text(".price")
    facts = {name: await page.inner_text(f"#{name}") for name in ("stock", "minimum-order", "pirt", "halal")}
    assert facts == {
        "stock": "200 buah",
        "minimum-order": "10 buah",
        "pirt": FOOD_PERMITS["pirt_number"],
        "halal": FOOD_PERMITS["halal_number"],
    }
    provenance = await page.inner_text("#provenance")
    for shown in (
        "Olahan pangan UMKM",
        "Dinas Koperasi, UMKM, Perindustrian dan Perdagangan",  # names learnt from enrolment's events
        "Rutan Kelas IIB Serang",
        "22 Oktober 2026",
        "22 Januari 2027",
    ):
        assert shown in provenance
    photo = page.locator(".photos img")
    assert await photo.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]") == [True, 320, 240]
    assert not await has_horizontal_scroll(page)
    await screenshot(page, request, "phone-product")
    html = await page.content()
    assert not any(participant in html for participant in WORKED)


async def test_the_storefront_pages_through_the_catalogue_with_the_catalogues_own_cursor(
    infrastructure: Infrastructure, namespace: str, browser: Browser
) -> None:
    async with marketplace_with(infrastructure, namespace, storefront_page_size=2) as marketplace:
        await stocked(infrastructure, namespace, marketplace)
        first_page = (await marketplace.http.get("/listings", params={"limit": 2})).json()
        page = await opened(await browser.new_page(viewport=PHONE), f"{marketplace.base_url}/")
        assert await titles(page) == [item["title"] for item in first_page["items"]]
        following = page.locator("a[rel=next]")
        assert parse_qs(urlsplit(await following.get_attribute("href") or "").query) == {
            "after": [first_page["next_cursor"]]
        }
        async with page.expect_navigation():
            await following.click()
        rest = (await marketplace.http.get("/listings", params={"after": first_page["next_cursor"]})).json()
        assert await titles(page) == [item["title"] for item in rest["items"]] != []
        assert await page.locator("a[rel=next]").count() == 0
        assert await page.get_by_role("link", name="« Halaman pertama").count() == 1


@pytest.mark.parametrize(
    "query",
    [
        {"price_min": "murah"},
        {"price_max": "9" * 5000},
        {"price_min": "20.000", "price_max": "100"},
        {"category": "senjata"},
        {"in_stock": "mungkin"},
        {"q": "x" * 101},
        {"facility_id": "f" * 65},
        {"after": "bukan-kursor"},
        {"after": "a" * 65},
    ],
)
async def test_a_search_the_catalogue_cannot_make_gets_a_page_saying_what_to_fix(
    marketplace: RunningService, query: dict[str, str]
) -> None:
    words = query.get("q", "<script>alert(1)</script>")
    answered = await marketplace.http.get("/", params={**query, "q": words})
    assert answered.status_code == 422, answered.text
    assert answered.headers["content-type"] == "text/html; charset=utf-8"
    assert 'role="alert"' in answered.text
    assert str(escape(words)) in answered.text  # the form comes back as the buyer wrote it, escaped
    assert "<script>" not in answered.text


async def test_a_product_not_in_the_catalogue_gets_a_page_that_says_so(marketplace: RunningService) -> None:
    for listing_id in ("tidak-ada", "x" * 65, "%3Cb%3E"):
        answered = await marketplace.http.get(f"/produk/{listing_id}")
        assert (answered.status_code, answered.headers["content-type"]) == (404, "text/html; charset=utf-8")
        assert "Produk tidak ditemukan" in answered.text


async def test_pages_count_against_the_catalogues_rate_limit_of_the_address_and_say_when_to_come_back(
    infrastructure: Infrastructure, namespace: str
) -> None:
    # per day: a minute's boundary between the requests would let one more through the sliding window counter
    async with marketplace_with(infrastructure, namespace, catalogue_rate_anonymous="3/day") as marketplace:
        for path in ("/", "/listings", "/produk/tidak-ada"):
            assert (await marketplace.http.get(path)).status_code in (200, 404)
        refused = await marketplace.http.get("/")
        assert (refused.status_code, refused.headers["content-type"]) == (429, "text/html; charset=utf-8")
        assert int(refused.headers["retry-after"]) >= 1
        assert "Mohon tunggu sebentar" in refused.text
        assert (await marketplace.http.get("/listings")).status_code == 429
