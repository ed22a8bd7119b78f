"""The officer's home page for today and a participant's page, from what the real enrolment service answers."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from playwright.async_api import Browser

from services.console.home.domain import month_of
from tests.support.axe import assert_accessible
from tests.support.browser import NARROW_PHONE, has_horizontal_scroll, screenshot
from tests.support.console import sign_in
from tests.support.enrolment import (
    STAFF_SCOPES,
    completed_participant,
    enrol,
    opened_cohort,
    published_programme,
    registered_participant,
)
from tests.support.services import RunningService


async def test_today_shows_the_cohorts_in_session_the_waiting_enrolments_and_lists_and_the_releases_due(
    console: RunningService, enrolment: RunningService, browser: Browser, request: pytest.FixtureRequest
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    programme = await published_programme(enrolment, staff, name="Hidroponik kangkung")
    running = await opened_cohort(
        enrolment, staff, programme["id"], starts_on=str(today - timedelta(days=7)),
        ends_on=str(today + timedelta(days=60)), capacity=1, place="Greenhouse B",
    )  # fmt: skip
    for _ in range(2):  # one place: the second waits
        await enrol(enrolment, staff, await registered_participant(enrolment, staff), running["id"])
    started = await enrolment.http.post(
        f"/cohorts/{running['id']}/start", json={"started_on": str(today - timedelta(days=7))}, headers=staff
    )
    assert started.status_code == 200, started.text
    later = await opened_cohort(
        enrolment, staff, programme["id"], starts_on=str(today + timedelta(days=70)),
        ends_on=str(today + timedelta(days=120)),
    )  # fmt: skip
    await enrol(enrolment, staff, await registered_participant(enrolment, staff), later["id"])
    last_day = month_of(today)[1]
    await registered_participant(enrolment, staff, full_name="Joko Susilo", expected_release=str(last_day))

    context = await browser.new_context(viewport=NARROW_PHONE, is_mobile=True, has_touch=True, locale="id-ID")  # type: ignore[arg-type]
    page = await context.new_page()
    await sign_in(page, console, "officer.serang")
    figures = [" ".join((await item.inner_text()).split()) for item in await page.query_selector_all(".figures li")]
    assert figures == [
        "1 kelas berjalan hari ini",
        "1 pendaftaran menunggu kelasnya dimulai",
        "1 orang dalam daftar tunggu",
        "1 bebas bulan ini",
    ]
    assert "Hidroponik kangkung" in await page.inner_text("#berjalan + div")
    assert "1 orang menunggu" in await page.inner_text("section[aria-labelledby=tunggu]")
    due = await page.inner_text("section[aria-labelledby=bebas]")
    assert f"Joko Susilo, {format_date(last_day, format='long', locale='id')}" in due
    assert not await has_horizontal_scroll(page)
    await screenshot(page, request, "phone-today")
    scanner = await (
        await browser.new_context(viewport=NARROW_PHONE, bypass_csp=True, storage_state=await context.storage_state())  # type: ignore[arg-type]
    ).new_page()
    await scanner.goto(console.base_url + "/")
    await assert_accessible(scanner)


async def test_a_participants_page_shows_their_enrolments_attendance_and_certificates(
    console: RunningService, enrolment: RunningService, browser: Browser, request: pytest.FixtureRequest
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES, "attendance:write", "assessments:write")
    participant, programme = await completed_participant(enrolment, staff)
    page = await (await browser.new_context(locale="id-ID")).new_page()
    await sign_in(page, console, "officer.serang", path=f"/peserta/{participant}")
    assert await page.text_content("h1") == "Dedi <Setiawan>"  # escaped, shown as typed
    enrolments = await page.inner_text("section[aria-labelledby=pendaftaran]")
    assert "Produksi <makanan> ringan" in enrolments
    assert "Lulus" in enrolments
    assert "hadir 1 sesi" in enrolments
    record = await page.inner_text("section[aria-labelledby=sertifikat]")
    assert programme["certificate_number"] in record
    assert "30 April 2027" in record
    assert "Belum ada premi" in await page.inner_text("section[aria-labelledby=premi]")
    await screenshot(page, request, "desktop-participant-with-certificate")


async def test_the_navigation_shows_a_trainer_only_what_their_roles_allow_and_the_rest_is_refused_in_words(
    console: RunningService, browser: Browser
) -> None:
    page = await (await browser.new_context(locale="id-ID")).new_page()
    await sign_in(page, console, "trainer.dkpp")
    assert [" ".join((await link.inner_text()).split()) for link in await page.query_selector_all("nav.main a")] == [
        "Hari ini"
    ]
    assert await page.query_selector("section[aria-labelledby=bebas]") is None  # releases: personal data
    refused = await page.goto(console.base_url + "/peserta")
    assert refused is not None
    assert refused.status == 403
    assert await page.text_content("h1") == "Tidak diizinkan"
