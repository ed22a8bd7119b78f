"""The facility officer's participant pages in a real browser, signed in at the real Keycloak, against the real
enrolment service: a refusal in Indonesian beside the field, a registration, a search by NIK that never reaches a
URL, the participant's page, English on request; on a phone and a desktop, under the strict CSP, axe-clean."""

import logging
import random
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from playwright.async_api import Browser, BrowserContext, Page

from shared.http.logs import JsonFormatter
from tests.support.axe import assert_accessible
from tests.support.browser import DESKTOP, NARROW_PHONE, has_horizontal_scroll, screenshot
from tests.support.console import sign_in
from tests.support.services import RunningService

SIZES = {"phone": NARROW_PHONE, "desktop": DESKTOP}


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter("any"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    root, kept = logging.getLogger(), Kept()
    level = root.level
    root.addHandler(kept)
    root.setLevel(logging.DEBUG)
    yield kept.lines
    root.removeHandler(kept)
    root.setLevel(level)


def someone() -> dict[str, str]:
    number = random.randrange(10**15, 10**16)
    return {
        "full_name": f"Siti Rahmawati {number % 10_000}",
        "registration_number": f"BI.{number}",
        "nik": str(number),
        "date_of_birth": "1992-04-01",
        "sentence_start": "2025-01-06",
        "expected_release": "2029-03-31",
    }


async def context_of(browser: Browser, size: str, **options: Any) -> BrowserContext:
    phone = size == "phone"
    viewport: Any = SIZES[size]
    return await browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone, locale="id-ID", **options)


async def fill_registration(page: Page, person: dict[str, str]) -> None:
    for name, value in person.items():
        await page.fill(f"#f-{name}", value)
    await page.select_option("#f-security_classification", "minimum")


async def scan(scanner: Page, url: str) -> None:
    await scanner.goto(url)
    await assert_accessible(scanner)


@pytest.mark.parametrize("size", list(SIZES))
async def test_an_officer_registers_after_an_indonesian_refusal_beside_the_nik_and_finds_them_by_nik_in_no_url(
    size: str, console: RunningService, browser: Browser, request: pytest.FixtureRequest, log_lines: list[str]
) -> None:
    context = await context_of(browser, size)
    page = await context.new_page()
    visited: list[str] = []
    said: list[str] = []
    page.on("request", lambda sent: visited.append(sent.url))
    page.on("console", lambda message: said.append(message.text))
    await sign_in(page, console, "officer.serang", path="/peserta/baru")

    person = someone()
    await fill_registration(page, {**person, "nik": "12345"})
    await page.click("form.panel button[type=submit]")
    assert await page.text_content("#f-nik-error") == "NIK harus tepat 16 angka."
    assert await page.get_attribute("#f-nik", "aria-invalid") == "true"
    assert "f-nik-error" in (await page.get_attribute("#f-nik", "aria-describedby") or "")
    assert await page.input_value("#f-full_name") == person["full_name"]
    assert await page.get_attribute("#f-full_name", "aria-invalid") is None
    assert not await has_horizontal_scroll(page)
    await screenshot(page, request, f"{size}-register-refused")

    await page.fill("#f-nik", person["nik"])
    await page.click("form.panel button[type=submit]")
    await page.wait_for_url(f"{console.base_url}/peserta/*")
    assert await page.text_content("h1") == person["full_name"]
    assert await page.text_content("p.notice") == "Peserta sudah terdaftar."
    participant_url = page.url.split("?")[0]

    await page.goto(f"{console.base_url}/peserta")
    await page.fill("#f-q", person["nik"])
    await page.click("form.search button")
    await page.wait_for_selector(f"#hasil a:has-text('{person['full_name']}')")
    await screenshot(page, request, f"{size}-search-by-nik")
    await page.click(f"#hasil a:has-text('{person['full_name']}')")
    await page.wait_for_url(participant_url)
    assert person["nik"] in await page.text_content("dl.facts") or ""
    assert not await has_horizontal_scroll(page)
    await screenshot(page, request, f"{size}-participant")

    await page.click("footer button[value=en]")
    await page.wait_for_url(participant_url)
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.text_content("#data") == "Personal data"
    await screenshot(page, request, f"{size}-participant-english")

    scanner_context = await context_of(browser, size, bypass_csp=True, storage_state=await context.storage_state())
    scanner = await scanner_context.new_page()
    for path in ("/", "/peserta", participant_url.removeprefix(console.base_url)):
        await scan(scanner, console.base_url + path)
    await scan(scanner, f"{console.base_url}/peserta/baru")
    await fill_registration(scanner, {**person, "nik": "12345", "registration_number": "x"})
    await scanner.click("form.panel button[type=submit]")
    await scanner.wait_for_selector("#f-nik-error")
    await assert_accessible(scanner)

    personal = [person["nik"], person["full_name"], person["registration_number"]]
    written = {text for value in personal for text in (value, quote(value), quote_plus(value))}
    assert not [url for url in visited if any(text in url for text in written)]
    assert not [line for line in log_lines if any(value in line for value in personal)]
    assert not [text for text in said if "Content Security Policy" in text]
