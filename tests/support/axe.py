"""axe-core (from npm, pinned: deploy/local/axe_core.sh) run on a page: the violations a person with a screen
reader, a keyboard or low vision would meet. The scan injects axe's script, so its page's context is opened
with `bypass_csp=True`; the console's own pages are always tested under their strict policy elsewhere."""

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page

PREFIX = Path(os.environ.get("AXE_CORE_PREFIX", Path.home() / ".cache" / "pembinaan-platform" / "axe-core"))
SCRIPT = PREFIX / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_script() -> str:
    if not SCRIPT.exists():
        pytest.fail(f"axe-core is missing at {SCRIPT}: run `bash deploy/local/axe_core.sh` (make test does)")
    return SCRIPT.read_text()


async def violations(page: Page) -> list[dict[str, Any]]:
    """Every violation axe finds on the page as it is now (WCAG 2.1 A and AA, and best practices)."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(content=axe_script())
    found: list[dict[str, Any]] = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return found


async def assert_accessible(page: Page) -> None:
    """No serious or critical violation; the message names each rule and the elements it found."""
    blocking = [found for found in await violations(page) if found.get("impact") in BLOCKING]
    described = [
        f"{found['id']} ({found['impact']}): {found['help']} at {[node['target'] for node in found['nodes']]}"
        for found in blocking
    ]
    assert not blocking, f"axe found on {page.url}:\n" + "\n".join(described)
