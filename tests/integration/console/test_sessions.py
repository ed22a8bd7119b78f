"""The console's sessions against the real Keycloak: sign-out ends the Keycloak session too, an expired session
signs in again and comes back to the same page, tokens are refreshed before they expire, and a form sent without
the session's CSRF token is refused."""

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.async_api import Browser, Page, Route

from deploy.keycloak.realm import DEMO_PASSWORD
from services.console.main import ConsoleSettings, create_app
from services.console.sessions.store import SESSIONS
from tests.support.console import running_console, sign_in
from tests.support.enrolment import STAFF_SCOPES, registered_participant
from tests.support.infrastructure import Infrastructure
from tests.support.keycloak import user_sessions
from tests.support.services import RunningService, serving, settings_for


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


async def stored_sessions(console: RunningService) -> list[dict[str, Any]]:
    return await console.runtime.database.db[SESSIONS].find().to_list()


async def signed_in_page(browser: Browser, console: RunningService, path: str = "/") -> Page:
    page = await (await browser.new_context(locale="id-ID")).new_page()
    await sign_in(page, console, "officer.serang", path=path)
    return page


async def test_signing_out_ends_the_keycloak_session_too(
    console: RunningService, browser: Browser, infrastructure: Infrastructure
) -> None:
    page = await signed_in_page(browser, console)
    [session] = await stored_sessions(console)
    sid = claims_of(session["tokens"]["id_token"])["sid"]
    assert sid in {held["id"] for held in await user_sessions(infrastructure.keycloak_url, "officer.serang")}

    await page.click("footer form[action='/keluar'] button")
    await page.wait_for_url(f"{console.base_url}/keluar/selesai?*")  # back from Keycloak's end-session endpoint
    assert await page.text_content("h1") == "Anda sudah keluar"
    assert await stored_sessions(console) == []
    assert sid not in {held["id"] for held in await user_sessions(infrastructure.keycloak_url, "officer.serang")}

    await page.goto(console.base_url + "/peserta")
    await page.wait_for_selector("#kc-form-login")  # Keycloak asks again: no session left there to reuse


async def test_an_expired_session_signs_in_again_and_comes_back_to_the_same_page(
    console: RunningService, enrolment: RunningService, browser: Browser
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    participant = await registered_participant(enrolment, staff, full_name="Rudi Hartono")
    page = await signed_in_page(browser, console, f"/peserta/{participant}")
    [before] = await stored_sessions(console)
    long_ago = datetime.now(UTC) - timedelta(hours=2)  # past the idle lifetime (30 minutes)
    await console.runtime.database.db[SESSIONS].update_one({"_id": before["_id"]}, {"$set": {"last_seen_at": long_ago}})

    went_through: list[str] = []
    page.on("request", lambda sent: went_through.append(sent.url))
    await page.reload()
    await page.wait_for_url(f"{console.base_url}/peserta/{participant}")
    assert await page.text_content("h1") == "Rudi Hartono"
    assert any(url.startswith(console.app.state.runtime.issuer.issuer_url) for url in went_through)
    [after] = await stored_sessions(console)
    assert after["_id"] != before["_id"]


async def test_tokens_near_their_expiry_are_refreshed_before_a_page_uses_them(
    infrastructure: Infrastructure, namespace: str, enrolment: RunningService, browser: Browser
) -> None:
    always = {"token_refresh_margin_seconds": 3600}  # longer than Keycloak's tokens live: every page refreshes
    async with running_console(infrastructure, namespace, services={"enrolment": enrolment}, **always) as console:
        page = await signed_in_page(browser, console, "/peserta")
        [first] = await stored_sessions(console)
        await page.goto(console.base_url + "/peserta")
        assert await page.text_content("h1") == "Peserta"
        [refreshed] = await stored_sessions(console)
    assert refreshed["_id"] == first["_id"]
    assert refreshed["tokens"]["access_token"] != first["tokens"]["access_token"]
    assert refreshed["tokens"]["refresh_token"] is not None


async def test_a_form_sent_without_the_sessions_csrf_token_is_refused_and_changes_nothing(
    console: RunningService, enrolment: RunningService, browser: Browser
) -> None:
    page = await signed_in_page(browser, console, "/peserta/baru")
    cookies = {cookie["name"]: cookie["value"] for cookie in await page.context.cookies()}
    key = await page.get_attribute("input[name=idempotency_key]", "value")
    registration = {
        "full_name": "Tanpa Token", "registration_number": "BI.CSRF.1", "nik": "3604011203900777",
        "date_of_birth": "1990-03-12", "sentence_start": "2025-06-01", "expected_release": "2028-05-31",
        "security_classification": "minimum", "idempotency_key": key or "",
    }  # fmt: skip
    async with httpx.AsyncClient(base_url=console.base_url, cookies=cookies, timeout=30) as http:
        for token in ({}, {"csrf_token": "not-the-sessions"}):
            refused = await http.post("/peserta/baru", data=registration | token)
            assert refused.status_code == 403
            assert "Formulir sudah kedaluwarsa" in refused.text
        assert (await http.post("/keluar", data={})).status_code == 403
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    found = await enrolment.http.post("/participants/search", json={"q": "BI.CSRF.1"}, headers=staff)
    assert found.json()["items"] == []
    assert len(await stored_sessions(console)) == 1  # and the refused sign-out ended nothing


async def test_with_the_issuer_unreachable_a_page_says_sign_in_is_unavailable_rather_than_failing(
    infrastructure: Infrastructure, namespace: str
) -> None:
    nowhere = {"oidc_issuer": "http://127.0.0.1:9/realms/pembinaan", "oidc_client_secret": "unused"}
    settings = settings_for(ConsoleSettings, infrastructure, namespace, **nowhere)
    async with serving(create_app(settings)) as console:
        answer = await console.http.get("/peserta")
    assert answer.status_code == 503
    assert "Layanan masuk tidak tersedia" in answer.text


async def test_a_sign_in_answer_is_taken_only_from_the_browser_that_started_it_and_only_once(
    console: RunningService, browser: Browser
) -> None:
    page = await (await browser.new_context()).new_page()
    held: list[str] = []

    async def hold(route: Route) -> None:
        """Keycloak's answer to the login form, kept rather than followed: it redirects to the console's callback."""
        answered = await route.fetch(max_redirects=0)
        held.append(answered.headers["location"])
        await route.fulfill(status=200, content_type="text/plain", body="held")

    await page.route("**/login-actions/authenticate*", hold)
    await page.goto(console.base_url + "/peserta")
    await page.fill("#username", "officer.serang")
    await page.fill("#password", DEMO_PASSWORD)
    await page.click("#kc-login")
    await page.wait_for_selector("text=held")
    [answer] = held
    assert answer.startswith(f"{console.base_url}/masuk/selesai?")
    async with httpx.AsyncClient(timeout=30) as elsewhere:  # another browser: without the sign-in's cookie
        refused = await elsewhere.get(answer)
    assert refused.status_code == 400
    assert "Proses masuk tidak selesai" in refused.text

    await page.goto(answer)
    assert page.url == f"{console.base_url}/peserta"  # the sign-in's own browser, back where it started
    replayed = await page.goto(answer)
    assert replayed is not None
    assert replayed.status == 400
