"""The console's app as built: every POST checks the session's CSRF token, every answer carries the security
headers, and the vendored htmx is the file its name and hash say."""

import hashlib
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute

from services.console.main import ConsoleSettings, create_app
from services.console.sessions.pages import posted
from tests.unit.test_openapi import api_routes

STATIC = Path(__file__).resolve().parents[3] / "services" / "console" / "views" / "static"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
"""npm's htmx.org@2.0.11, dist/htmx.min.js (docs/console.md)."""


def console() -> FastAPI:
    settings = ConsoleSettings(oidc_client_secret="unit", oidc_issuer="http://keycloak.example:8080/realms/pembinaan")
    return create_app(settings)


def client() -> httpx.AsyncClient:
    """The app without its lifespan: nothing asked here needs the database."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=console()), base_url="http://console.test")


def depends_on(route: APIRoute, dependency: object) -> bool:
    pending = list(route.dependant.dependencies)
    while pending:
        current = pending.pop()
        if current.call is dependency:
            return True
        pending.extend(current.dependencies)
    return False


def test_every_post_route_checks_the_sessions_csrf_token() -> None:
    posts: list[Any] = [route for route in api_routes(console().router.routes) if "POST" in route.methods]
    assert posts, "the console has forms"
    assert [route.path for route in posts if not depends_on(route, posted)] == []


async def test_every_answer_carries_a_strict_content_security_policy_and_the_other_security_headers() -> None:
    async with client() as http:
        answers = [await http.get(path) for path in ("/health/live", "/static/console.css", "/no-such-page")]
    for headers in (answer.headers for answer in answers):
        assert headers["content-security-policy"] == (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
            "form-action 'self' http://keycloak.example:8080; base-uri 'none'; object-src 'none'"
        )
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


async def test_an_unknown_page_says_so_in_indonesian() -> None:
    async with client() as http:
        answer = await http.get("/no-such-page")
    assert answer.status_code == 404
    assert "Halaman tidak ditemukan" in answer.text


def test_the_vendored_htmx_is_the_pinned_release() -> None:
    assert hashlib.sha256((STATIC / "htmx-2.0.11.min.js").read_bytes()).hexdigest() == HTMX_SHA256
