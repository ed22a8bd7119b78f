"""A real service answers a Bearer token as it answers a key of the same scopes and reach, with keys from a real
JWKS server; a bad token gets a 401 with a Bearer challenge, an issuer out of reach a 503."""

import base64
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.enrolment.main import EnrolmentSettings
from services.enrolment.main import create_app as create_enrolment
from shared.http.api_keys import STAFF_SCOPE
from tests.support.enrolment import STAFF_SCOPES, known_facility, registered_participant
from tests.support.infrastructure import Infrastructure
from tests.support.participants import new_registration
from tests.support.services import RunningService, serving, settings_for
from tests.support.tokens import Issuer, SigningKey, running_issuer

OFFICER_SCOPES = ["participants:read"]


@pytest.fixture
async def issuer() -> AsyncIterator[Issuer]:
    async with running_issuer() as issuer:
        yield issuer


@pytest.fixture
async def service(infrastructure: Infrastructure, namespace: str, issuer: Issuer) -> AsyncIterator[RunningService]:
    # no refresh interval, so that the rotation below needs no waiting; the interval has its unit test
    settings = settings_for(
        EnrolmentSettings, infrastructure, namespace, oidc_issuer=issuer.url, oidc_jwks_refresh_seconds=0
    )
    async with serving(create_enrolment(settings)) as running:
        yield running


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unsigned(issuer: Issuer) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims = issuer.claims(realm_access={"roles": ["admin"]})
    return f"{part({'alg': 'none', 'kid': issuer.current.kid})}.{part(claims)}."


async def test_a_token_reads_exactly_what_a_key_of_the_same_scopes_and_facility_reads(
    service: RunningService, issuer: Issuer
) -> None:
    staff = await service.mint_key(*STAFF_SCOPES)
    participant_id = await registered_participant(service, staff, facility_id="rutan-serang")
    admin = await service.mint_key("admin")
    await registered_participant(service, staff, facility_id=await known_facility(service, admin, "lapas-cilegon"))
    key = await service.mint_key(*OFFICER_SCOPES, facility_id="rutan-serang")
    token = bearer(issuer.token(roles=[*OFFICER_SCOPES, "facility-officer"], facility_id="rutan-serang"))

    for path in ("/participants", f"/participants/{participant_id}"):
        by_key, by_token = await service.http.get(path, headers=key), await service.http.get(path, headers=token)
        assert by_token.status_code == by_key.status_code == 200, by_token.text
        assert by_token.json() == by_key.json()
    assert [row["id"] for row in (await service.http.get("/participants", headers=token)).json()["items"]] == [
        participant_id
    ]


async def test_a_token_lacking_the_scope_is_forbidden_as_a_key_is_and_told_which_scope_to_ask_for(
    service: RunningService, issuer: Issuer
) -> None:
    by_token = await service.http.get("/participants", headers=bearer(issuer.token(roles=["events:read"])))
    by_key = await service.http.get("/participants", headers=await service.mint_key("events:read"))
    assert by_token.status_code == by_key.status_code == 403, by_token.text
    assert by_token.headers["content-type"] == by_key.headers["content-type"] == "application/problem+json"
    assert by_token.json() == by_key.json()
    assert by_token.headers["www-authenticate"] == 'Bearer error="insufficient_scope", scope="participants:read"'
    assert "www-authenticate" not in by_key.headers


@pytest.mark.parametrize(
    ("bad", "description"),
    [
        ("expired", "The token has expired."),
        ("tampered", "The token's signature does not verify."),
        ("audience", "The token is not meant for these services."),
        ("issuer", "The token is from another issuer."),
        ("none", "The token's algorithm is not accepted."),
        ("unknown-key", "The token is signed by a key the issuer does not publish."),
    ],
)
async def test_a_bad_token_gets_a_401_problem_with_a_bearer_challenge(
    service: RunningService, issuer: Issuer, bad: str, description: str
) -> None:
    roles = [*STAFF_SCOPES]
    tokens = {
        "expired": lambda: issuer.token(roles=roles, exp=int(time.time()) - 600),
        "tampered": lambda: issuer.token(roles=roles)[:-6] + "AAAAAA",
        "audience": lambda: issuer.token(roles=roles, aud="account"),
        "issuer": lambda: issuer.token(roles=roles, iss="http://127.0.0.1:1/realms/other"),
        "none": lambda: unsigned(issuer),
        "unknown-key": lambda: issuer.token(roles=roles, key=SigningKey.made()),
    }
    token = tokens[bad]()
    response = await service.http.get("/participants", headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == (f'Bearer error="invalid_token", error_description="{description}"')
    assert token not in response.text


async def test_a_token_of_a_rotated_key_is_accepted_after_one_refresh(service: RunningService, issuer: Issuer) -> None:
    assert (await service.http.get("/participants", headers=bearer(issuer.token(roles=OFFICER_SCOPES)))).is_success
    fetched = issuer.fetches
    issuer.rotate()
    response = await service.http.get("/participants", headers=bearer(issuer.token(roles=OFFICER_SCOPES)))
    assert response.status_code == 200, response.text
    assert issuer.fetches == fetched + 1


async def test_a_key_and_a_token_together_are_refused(service: RunningService, issuer: Issuer) -> None:
    both = {**await service.mint_key(*OFFICER_SCOPES), **bearer(issuer.token(roles=OFFICER_SCOPES))}
    response = await service.http.get("/participants", headers=both)
    assert response.status_code == 400, response.text
    assert "X-API-Key" in response.json()["detail"]


async def test_no_credential_is_challenged_for_both_kinds(service: RunningService) -> None:
    response = await service.http.get("/participants")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="pembinaan", ApiKey'


async def test_an_issuer_out_of_reach_gets_a_503_not_a_pass(infrastructure: Infrastructure, namespace: str) -> None:
    issuer = Issuer()  # its JWKS is served nowhere: port 1 refuses connections
    settings = settings_for(EnrolmentSettings, infrastructure, namespace, oidc_issuer=issuer.url)
    async with serving(create_enrolment(settings)) as service:
        response = await service.http.get("/participants", headers=bearer(issuer.token(roles=[*STAFF_SCOPES])))
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_retry_with_a_refreshed_token_is_answered_once_and_another_subject_never_meets_the_key(
    service: RunningService, issuer: Issuer
) -> None:
    roles, body = [*STAFF_SCOPES, STAFF_SCOPE], new_registration()
    first = {**bearer(issuer.token(roles=roles, sub="officer-1")), "Idempotency-Key": "register-1"}
    created = await service.http.post("/participants", json=body, headers=first)
    assert created.status_code == 201, created.text
    refreshed = {**bearer(issuer.token(roles=roles, sub="officer-1")), "Idempotency-Key": "register-1"}
    retried = await service.http.post("/participants", json=body, headers=refreshed)
    assert retried.json()["id"] == created.json()["id"]

    other = {**bearer(issuer.token(roles=roles, sub="officer-2")), "Idempotency-Key": "register-1"}
    theirs = await service.http.post("/participants", json=new_registration(), headers=other)
    assert theirs.status_code == 201, theirs.text  # were the keys to meet, another body would be a 422
    assert theirs.json()["id"] != created.json()["id"]


async def test_a_bad_token_with_a_used_idempotency_key_gets_a_401_not_the_stored_answer(
    service: RunningService, issuer: Issuer
) -> None:
    body = new_registration()
    good = {
        **bearer(issuer.token(roles=[*STAFF_SCOPES, STAFF_SCOPE], sub="officer-1")),
        "Idempotency-Key": "register-2",
    }
    assert (await service.http.post("/participants", json=body, headers=good)).status_code == 201
    expired = issuer.token(roles=[*STAFF_SCOPES, STAFF_SCOPE], sub="officer-1", exp=int(time.time()) - 600)
    replay = await service.http.post(
        "/participants", json=body, headers={**bearer(expired), "Idempotency-Key": "register-2"}
    )
    assert replay.status_code == 401, replay.text
