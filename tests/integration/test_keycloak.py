"""Sign-in against the real Keycloak that infra.py starts with the realm in deploy/keycloak/."""

import base64
import json
import os
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import httpx
import pytest

from deploy.keycloak.realm import AUDIENCE, BRUTE_FORCE_FAILURES, DEMO_PASSWORD, PERSON_ROLES
from tests.support.infrastructure import Infrastructure

pytestmark = pytest.mark.integration
TEST_CLIENT = "pembinaan-tests"  # the realm's only client allowed the password grant


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT (its signature is the services' check, not this test's)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


@pytest.fixture(scope="module")
def keycloak(infrastructure: Infrastructure) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{infrastructure.keycloak_url}/realms/pembinaan", timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def admin(infrastructure: Infrastructure) -> Iterator[httpx.Client]:
    """The admin REST API of the realm, as the bootstrap administrator (KEYCLOAK_ADMIN_USER/PASSWORD)."""
    base = infrastructure.keycloak_url
    form = {
        "grant_type": "password",
        "client_id": "admin-cli",
        "username": os.environ.get("KEYCLOAK_ADMIN_USER", "admin"),
        "password": os.environ.get("KEYCLOAK_ADMIN_PASSWORD", "admin"),
    }
    answer = httpx.post(f"{base}/realms/master/protocol/openid-connect/token", data=form, timeout=30)
    assert answer.status_code == 200, answer.text
    headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    with httpx.Client(base_url=f"{base}/admin/realms/pembinaan", headers=headers, timeout=30) as client:
        yield client


def sign_in(keycloak: httpx.Client, username: str, password: str) -> httpx.Response:
    form = {"grant_type": "password", "client_id": TEST_CLIENT, "username": username, "password": password}
    return keycloak.post("/protocol/openid-connect/token", data=form)


@pytest.fixture
def fresh_user(admin: httpx.Client) -> Iterator[tuple[str, str]]:
    """A user of its own for a test that locks or disables it; deleted afterwards."""
    username = f"probe-{uuid4().hex[:10]}"
    created = admin.post(
        "/users",
        json={
            "username": username,
            "enabled": True,
            "email": f"{username}@pembinaan.example",
            "emailVerified": True,
            "firstName": "Probe",
            "lastName": "User",
            "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
        },
    )
    assert created.status_code == 201, created.text
    user_id = created.headers["Location"].rsplit("/", 1)[1]
    yield user_id, username
    admin.delete(f"/users/{user_id}")


def test_a_demo_officer_signs_in_and_the_token_carries_audience_facility_and_scopes(keycloak: httpx.Client) -> None:
    answer = sign_in(keycloak, "officer.serang", DEMO_PASSWORD)
    assert answer.status_code == 200, answer.text
    token = claims(answer.json()["access_token"])
    audience = token["aud"] if isinstance(token["aud"], list) else [token["aud"]]
    assert AUDIENCE in audience
    assert token["iss"].endswith("/realms/pembinaan")
    assert token["facility_id"] == "rutan-serang"
    assert set(PERSON_ROLES["facility-officer"]) <= set(token["realm_access"]["roles"])
    assert "platform:staff" not in token["realm_access"]["roles"]
    assert token["exp"] - token["iat"] == 300


def test_an_agency_system_gets_a_client_credentials_token_with_its_agency_and_scopes(keycloak: httpx.Client) -> None:
    form = {"grant_type": "client_credentials", "client_id": "agency-dkpp", "client_secret": "demo-agency-dkpp-secret"}
    answer = keycloak.post("/protocol/openid-connect/token", data=form)
    assert answer.status_code == 200, answer.text
    token = claims(answer.json()["access_token"])
    assert AUDIENCE in (token["aud"] if isinstance(token["aud"], list) else [token["aud"]])
    assert token["agency_id"] == "dkpp"
    assert "facility_id" not in token
    assert set(PERSON_ROLES["agency-staff"]) <= set(token["realm_access"]["roles"])


def test_a_client_with_a_wrong_secret_gets_no_token(keycloak: httpx.Client) -> None:
    form = {"grant_type": "client_credentials", "client_id": "agency-dkpp", "client_secret": "not-the-secret"}
    answer = keycloak.post("/protocol/openid-connect/token", data=form)
    assert answer.status_code == 401
    assert "access_token" not in answer.json()


def test_the_console_may_not_use_the_password_grant(keycloak: httpx.Client) -> None:
    form = {
        "grant_type": "password",
        "client_id": "console",
        "client_secret": "demo-console-secret",
        "username": "officer.serang",
        "password": DEMO_PASSWORD,
    }
    answer = keycloak.post("/protocol/openid-connect/token", data=form)
    assert answer.status_code in (400, 401)
    assert "access_token" not in answer.json()


def test_a_wrong_password_is_refused_and_brute_force_protection_locks_the_account(
    keycloak: httpx.Client, admin: httpx.Client, fresh_user: tuple[str, str]
) -> None:
    user_id, username = fresh_user
    for _ in range(BRUTE_FORCE_FAILURES):
        refused = sign_in(keycloak, username, "Wrong-Password-2026")
        assert refused.status_code in (400, 401)
        assert refused.json()["error"] == "invalid_grant"
    locked = sign_in(keycloak, username, DEMO_PASSWORD)  # the right password, now too late
    assert locked.status_code in (400, 401)
    assert "access_token" not in locked.json()
    detection = admin.get(f"/attack-detection/brute-force/users/{user_id}").json()
    assert detection["disabled"] is True
    # failures in quick succession (quickLoginCheckMilliSeconds) lock it before failureFactor is reached
    assert 1 <= detection["numFailures"] <= BRUTE_FORCE_FAILURES


def test_a_disabled_user_gets_no_token(
    keycloak: httpx.Client, admin: httpx.Client, fresh_user: tuple[str, str]
) -> None:
    user_id, username = fresh_user
    assert sign_in(keycloak, username, DEMO_PASSWORD).status_code == 200
    assert admin.put(f"/users/{user_id}", json={"enabled": False}).status_code == 204
    refused = sign_in(keycloak, username, DEMO_PASSWORD)
    assert refused.status_code in (400, 401)
    assert "access_token" not in refused.json()


def test_a_disabled_users_refresh_token_is_refused_at_once(
    keycloak: httpx.Client, admin: httpx.Client, fresh_user: tuple[str, str]
) -> None:
    user_id, username = fresh_user
    signed_in = sign_in(keycloak, username, DEMO_PASSWORD)
    assert signed_in.status_code == 200, signed_in.text
    refresh = {
        "grant_type": "refresh_token",
        "client_id": TEST_CLIENT,
        "refresh_token": signed_in.json()["refresh_token"],
    }
    assert keycloak.post("/protocol/openid-connect/token", data=refresh).status_code == 200
    assert admin.put(f"/users/{user_id}", json={"enabled": False}).status_code == 204
    refused = keycloak.post("/protocol/openid-connect/token", data=refresh)
    assert refused.status_code in (400, 401), refused.text
    assert "access_token" not in refused.json()


@pytest.fixture
def fresh_client(admin: httpx.Client) -> Iterator[tuple[str, str]]:
    """A client-credentials client of its own, as an agency's system has (its uuid and client id); deleted after."""
    client_id = f"agency-probe-{uuid4().hex[:8]}"
    body = {"clientId": client_id, "publicClient": False, "serviceAccountsEnabled": True, "standardFlowEnabled": False}
    created = admin.post("/clients", json={**body, "secret": "probe-secret-1"})
    assert created.status_code == 201, created.text
    uuid = created.headers["Location"].rsplit("/", 1)[1]
    yield uuid, client_id
    admin.delete(f"/clients/{uuid}")


def client_token(keycloak: httpx.Client, client_id: str, secret: str) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return keycloak.post("/protocol/openid-connect/token", data=form)


def test_an_agency_client_is_revoked_by_a_new_secret_and_cut_off_by_disabling_it(
    keycloak: httpx.Client, admin: httpx.Client, fresh_client: tuple[str, str]
) -> None:
    uuid, client_id = fresh_client
    assert client_token(keycloak, client_id, "probe-secret-1").status_code == 200
    regenerated = admin.post(f"/clients/{uuid}/client-secret")  # the runbook's "regenerate the secret"
    assert regenerated.status_code == 200, regenerated.text
    secret = regenerated.json()["value"]
    assert client_token(keycloak, client_id, "probe-secret-1").status_code == 401
    assert client_token(keycloak, client_id, secret).status_code == 200
    assert admin.put(f"/clients/{uuid}", json={"clientId": client_id, "enabled": False}).status_code == 204
    disabled = client_token(keycloak, client_id, secret)
    assert disabled.status_code in (400, 401), disabled.text
    assert "access_token" not in disabled.json()
