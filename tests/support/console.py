"""The console under test: started in-process on a port of its own, signed in at the real Keycloak through a
client made for that port, calling the real services; and a person signing in at Keycloak's own login form."""

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from playwright.async_api import Page

from deploy.keycloak.realm import DEMO_PASSWORD
from services.console.main import ConsoleSettings, create_app
from tests.support.infrastructure import Infrastructure
from tests.support.keycloak import REALM, console_client
from tests.support.services import RunningService, serving, settings_for


def issuer_of(infrastructure: Infrastructure) -> str:
    return f"{infrastructure.keycloak_url}/realms/{REALM}"


@asynccontextmanager
async def running_console(
    infrastructure: Infrastructure, namespace: str, *, services: dict[str, RunningService], **overrides: Any
) -> AsyncIterator[RunningService]:
    """The console for `services` (by name: `{"enrolment": ...}`), with a Keycloak client of its own."""
    bound = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    bound.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{bound.getsockname()[1]}"
    async with console_client(infrastructure.keycloak_url, base_url, namespace.rstrip("_")) as client:
        settings = settings_for(
            ConsoleSettings,
            infrastructure,
            namespace,
            public_base_url=base_url,
            oidc_issuer=issuer_of(infrastructure),
            oidc_client_id=client.client_id,
            oidc_client_secret=client.secret,
            **{f"{name}_url": service.base_url for name, service in services.items()},
            **overrides,
        )
        async with serving(create_app(settings), bound=bound) as console:
            yield console


async def sign_in(page: Page, console: RunningService, username: str, *, path: str = "/") -> None:
    """Open `path` of the console, sign in at Keycloak's login form, and wait to be back on that page."""
    await page.goto(console.base_url + path)
    await page.wait_for_selector("#kc-form-login")
    await page.fill("#username", username)
    await page.fill("#password", DEMO_PASSWORD)
    await page.click("#kc-login")
    await page.wait_for_url(console.base_url + path)
