"""A registration form sent twice (a double tap, a retry after a lost answer) registers one participant: its
Idempotency-Key is made when the form is rendered. A NIK registered already is said beside the NIK."""

import re

import httpx
from playwright.async_api import Browser

from tests.support.console import sign_in
from tests.support.enrolment import STAFF_SCOPES
from tests.support.participants import new_registration
from tests.support.services import RunningService


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found is not None, f"no hidden {name} in the form"
    return found.group(1)


async def test_a_registration_sent_twice_registers_one_participant_and_a_taken_nik_is_said_beside_it(
    console: RunningService, enrolment: RunningService, browser: Browser
) -> None:
    page = await (await browser.new_context()).new_page()
    await sign_in(page, console, "officer.serang")
    cookies = {cookie["name"]: cookie["value"] for cookie in await page.context.cookies()}
    registration = {key: value for key, value in new_registration().items() if key != "facility_id"}
    async with httpx.AsyncClient(base_url=console.base_url, cookies=cookies, timeout=30) as http:
        form = (await http.get("/peserta/baru")).text
        sent = registration | {name: hidden(form, name) for name in ("csrf_token", "idempotency_key")}
        first, again = [await http.post("/peserta/baru", data=sent) for _ in range(2)]
        assert first.status_code == again.status_code == 303
        assert first.headers["location"] == again.headers["location"]

        fresh = hidden((await http.get("/peserta/baru")).text, "idempotency_key")
        taken = await http.post("/peserta/baru", data=sent | {"idempotency_key": fresh})
    assert taken.status_code == 409
    assert '<p class="error" id="f-nik-error">Peserta dengan NIK ini sudah terdaftar.</p>' in taken.text
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    found = await enrolment.http.post("/participants/search", json={"q": registration["nik"]}, headers=staff)
    [participant] = found.json()["items"]
    assert first.headers["location"].startswith(f"/peserta/{participant['id']}")


async def test_without_javascript_the_forms_still_register_and_search(
    console: RunningService, browser: Browser
) -> None:
    page = await (await browser.new_context(java_script_enabled=False, locale="id-ID")).new_page()
    await sign_in(page, console, "officer.serang", path="/peserta/baru")
    registration = new_registration(full_name="Wawan Gunawan")
    for name in ("full_name", "registration_number", "nik", "date_of_birth", "sentence_start", "expected_release"):
        await page.fill(f"#f-{name}", registration[name])
    await page.select_option("#f-security_classification", "medium")
    await page.click("form.panel button[type=submit]")
    await page.wait_for_url(f"{console.base_url}/peserta/*")
    assert await page.text_content("h1") == "Wawan Gunawan"

    await page.goto(f"{console.base_url}/peserta")
    await page.fill("#f-q", registration["registration_number"])
    await page.click("form.search button")
    await page.wait_for_url(f"{console.base_url}/peserta/cari")  # a plain POST: what was searched is in its body
    assert "Wawan Gunawan" in (await page.text_content("#hasil tbody") or "")
