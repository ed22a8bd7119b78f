"""A real headless browser for the storefront's tests: Debian's Chromium, driven by Playwright.

Playwright's own browser download comes from a CDN that these machines cannot reach, so it launches the
distribution's Chromium (`apt-get install -y chromium`, which `make test` does when it is missing). Without it
the tests fail and say how to install it: a skipped browser test would pass a storefront nobody looked at."""

import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".data" / "screenshots"
PHONE = {"width": 390, "height": 844}
NARROW_PHONE = {"width": 360, "height": 800}
"""The console's smallest target: the officers' and trainers' phones."""
DESKTOP = {"width": 1280, "height": 900}


def chromium_executable() -> str:
    found = shutil.which(CHROMIUM)
    if found is None:
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the storefront is tested in a real browser. Install it with "
            "`apt-get install -y chromium` (`make test` does when it can), or set CHROMIUM to its path."
        )
    return found


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    executable = chromium_executable()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable)
        try:
            yield browser
        finally:
            await browser.close()


async def has_horizontal_scroll(page: Page) -> bool:
    """Wider than the screen: on a phone `innerWidth` grows with the page, the root's `clientWidth` does not."""
    widths: list[int] = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return widths[0] > widths[1]


async def screenshot(page: Page, request: pytest.FixtureRequest, name: str) -> Path:
    """Save the whole page under `.data/screenshots/`, named after the test; the run's summary lists it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_-]+', '-', request.node.name)}-{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    request.node.user_properties.append(("screenshot", str(path)))
    print(f"screenshot: {path}")
    return path
