"""Keycloak's admin REST API for tests: a console client of the test's own (its redirect URI on the test's port),
removed after it, and the sessions Keycloak holds for a user."""

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from deploy.keycloak.realm import PERSON_MAPPERS

REALM = "pembinaan"


@dataclass(frozen=True)
class ConsoleClient:
    client_id: str
    secret: str


async def admin_headers(http: httpx.AsyncClient) -> dict[str, str]:
    form = {"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"}
    answer = await http.post("/realms/master/protocol/openid-connect/token", data=form)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def console_client_representation(client: ConsoleClient, base_url: str) -> dict[str, Any]:
    """As the realm's `console` client (deploy/keycloak/realm.py), for this test's address."""
    return {
        "clientId": client.client_id,
        "name": "The console under test",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "secret": client.secret,
        "standardFlowEnabled": True,
        "directAccessGrantsEnabled": False,
        "implicitFlowEnabled": False,
        "serviceAccountsEnabled": False,
        "redirectUris": [f"{base_url}/*"],
        "webOrigins": [base_url],
        "attributes": {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": f"{base_url}/*"},
        "protocolMappers": PERSON_MAPPERS,
    }


@asynccontextmanager
async def console_client(keycloak_url: str, base_url: str, name: str) -> AsyncIterator[ConsoleClient]:
    client = ConsoleClient(f"console-test-{name}", secrets.token_urlsafe(24))
    async with httpx.AsyncClient(base_url=keycloak_url, timeout=30) as http:
        headers = await admin_headers(http)
        made = await http.post(
            f"/admin/realms/{REALM}/clients", json=console_client_representation(client, base_url), headers=headers
        )
        assert made.status_code == 201, made.text
        try:
            yield client
        finally:
            headers = await admin_headers(http)
            await http.delete(made.headers["Location"].removeprefix(keycloak_url), headers=headers)


async def user_sessions(keycloak_url: str, username: str) -> list[dict[str, Any]]:
    """The sessions Keycloak holds for `username` now (each with its `id`, the ID token's `sid`)."""
    async with httpx.AsyncClient(base_url=keycloak_url, timeout=30) as http:
        headers = await admin_headers(http)
        users = await http.get(
            f"/admin/realms/{REALM}/users", params={"username": username, "exact": "true"}, headers=headers
        )
        [user] = users.json()
        sessions = await http.get(f"/admin/realms/{REALM}/users/{user['id']}/sessions", headers=headers)
        assert sessions.status_code == 200, sessions.text
        found: list[dict[str, Any]] = sessions.json()
        return found
