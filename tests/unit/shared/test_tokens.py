"""Bearer tokens: every refusal, the Caller a valid one gives, and how often the issuer's keys are fetched."""

import base64
import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from shared.http.api_keys import Caller, lacking_scope
from shared.http.tokens import IssuerKeys, IssuerUnreachable, OidcPolicy, TokenRefused, TokenVerifier
from tests.support.tokens import AUDIENCE, CERTS, Issuer, SigningKey


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def served(issuer: Issuer, *, status: int = 200) -> httpx.AsyncClient:
    """A client whose requests the issuer's JWKS answers in-process (httpx's own transport for tests)."""

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.path == CERTS
        issuer.fetches += 1
        return httpx.Response(status, json=issuer.jwks())

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


def verifier_of(issuer: Issuer, clock: Clock | None = None, **options: Any) -> TokenVerifier:
    keys = IssuerKeys(f"{issuer.url}/protocol/openid-connect/certs", served(issuer, **options), clock=clock or Clock())
    return TokenVerifier(OidcPolicy(issuer.url, AUDIENCE, 30.0), keys)


def unsigned(claims: dict[str, Any], header: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


async def refusal_of(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(TokenRefused) as refused:
        await verifier.caller(token)
    assert token not in refused.value.description
    return refused.value.description


async def test_a_valid_token_gives_its_roles_as_scopes_and_only_the_reach_claims_as_attributes() -> None:
    issuer = Issuer()
    token = issuer.token(roles=["participants:read", "facility-officer"], facility_id="rutan-serang", sub="u-1")
    caller = await verifier_of(issuer).caller(token)
    assert caller.scopes == {"participants:read", "facility-officer"}
    assert caller.attributes == {"facility_id": "rutan-serang"}
    assert caller.key_id == "token:u-1"
    assert caller.name == "officer-serang"


async def test_unknown_claims_are_ignored_and_a_client_is_named_by_its_client_id() -> None:
    issuer = Issuer()
    token = issuer.token(roles=["events:read"], client_id="dkpp-system", agency_id="dkpp", region="banten")
    caller = await verifier_of(issuer).caller(token)
    assert caller.attributes == {"agency_id": "dkpp"}
    assert caller.name == "dkpp-system"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"exp": int(time.time()) - 120}, "The token has expired."),
        ({"nbf": int(time.time()) + 120}, "The token is not valid yet."),
        ({"aud": "account"}, "The token is not meant for these services."),
        ({"iss": "http://127.0.0.1:1/realms/other"}, "The token is from another issuer."),
        ({"exp": None}, "The token lacks a required claim."),
        ({"facility_id": ""}, "The token's facility_id claim is not one non-empty value."),
        ({"agency_id": ["dkpp", "dkp"]}, "The token's agency_id claim is not one non-empty value."),
    ],
)
async def test_a_token_with_a_bad_claim_is_refused(claims: dict[str, Any], reason: str) -> None:
    issuer = Issuer()
    assert await refusal_of(verifier_of(issuer), issuer.token(roles=["participants:read"], **claims)) == reason


async def test_a_token_expired_within_the_leeway_is_still_accepted() -> None:
    issuer = Issuer()
    await verifier_of(issuer).caller(issuer.token(roles=[], exp=int(time.time()) - 5))


async def test_a_tampered_token_is_refused() -> None:
    issuer = Issuer()
    header, payload, signature = issuer.token(roles=["participants:read"]).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["realm_access"]["roles"].append("admin")
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    reason = await refusal_of(verifier_of(issuer), f"{header}.{forged}.{signature}")
    assert reason == "The token's signature does not verify."


async def test_a_token_signed_by_a_key_the_issuer_does_not_publish_is_refused() -> None:
    issuer = Issuer()
    stranger = SigningKey.made()
    reason = await refusal_of(verifier_of(issuer), issuer.token(roles=["admin"], key=stranger))
    assert reason == "The token is signed by a key the issuer does not publish."


async def test_a_token_of_the_right_kid_signed_by_another_key_is_refused() -> None:
    issuer = Issuer()
    impostor = SigningKey(issuer.current.kid, SigningKey.made().private)
    reason = await refusal_of(verifier_of(issuer), issuer.token(roles=["admin"], key=impostor))
    assert reason == "The token's signature does not verify."


async def test_an_unsigned_token_is_refused() -> None:
    issuer = Issuer()
    token = unsigned(issuer.claims(realm_access={"roles": ["admin"]}), {"alg": "none", "kid": issuer.current.kid})
    assert await refusal_of(verifier_of(issuer), token) == "The token's algorithm is not accepted."


async def test_a_token_signed_with_hs256_and_the_public_key_as_secret_is_refused() -> None:
    issuer = Issuer()
    public_pem = issuer.current.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = issuer.claims(realm_access={"roles": ["admin"]})
    # PyJWT refuses a PEM as an HMAC secret, so the token is signed by hand, as an attacker would
    header_and_claims = unsigned(claims, {"alg": "HS256", "kid": issuer.current.kid, "typ": "JWT"}).rstrip(".")
    signature = jwt.algorithms.HMACAlgorithm(jwt.algorithms.HMACAlgorithm.SHA256).sign(
        header_and_claims.encode(), public_pem
    )
    token = f"{header_and_claims}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
    assert await refusal_of(verifier_of(issuer), token) == "The token's algorithm is not accepted."


async def test_a_token_that_is_no_jwt_is_refused() -> None:
    assert await refusal_of(verifier_of(Issuer()), "pk.not-a.jwt") == "The token is malformed."


async def test_a_flood_of_unknown_kids_fetches_the_keys_once_per_refresh_interval() -> None:
    issuer, clock = Issuer(), Clock()
    verifier = verifier_of(issuer, clock)
    await verifier.caller(issuer.token(roles=[]))
    strangers = [issuer.token(roles=[], key=SigningKey.made()) for _ in range(3)]
    for token in strangers * 5:
        await refusal_of(verifier, token)
    assert issuer.fetches == 1  # the keys were read a moment ago: an unknown kid does not ask again
    clock.now += 30
    for token in strangers * 5:
        await refusal_of(verifier, token)
    assert issuer.fetches == 2  # once the interval has passed, one refresh for the lot


async def test_a_rotated_key_is_accepted_after_one_refresh() -> None:
    issuer, clock = Issuer(), Clock()
    verifier = verifier_of(issuer, clock)
    await verifier.caller(issuer.token(roles=[]))
    issuer.rotate()
    clock.now += 30
    caller = await verifier.caller(issuer.token(roles=["events:read"]))
    assert caller.scopes == {"events:read"}
    assert issuer.fetches == 2


async def test_an_issuer_that_cannot_be_reached_fails_closed() -> None:
    issuer = Issuer()
    with pytest.raises(IssuerUnreachable):
        await verifier_of(issuer, status=503).caller(issuer.token(roles=["admin"]))


async def test_a_verified_token_is_checked_once_until_it_expires() -> None:
    issuer, clock = Issuer(), Clock()
    verifier = verifier_of(issuer, clock)
    token = issuer.token(roles=["participants:read"])
    first = await verifier.caller(token)
    clock.now += 3600  # the keys are old now: a token checked again would fetch them again
    assert await verifier.caller(token) is first
    assert issuer.fetches == 1
    await verifier.caller(issuer.token(roles=[]))
    assert issuer.fetches == 2


async def test_a_token_lacking_a_scope_is_challenged_for_the_scopes_it_needs_and_a_key_is_not() -> None:
    issuer = Issuer()
    token_caller = await verifier_of(issuer).caller(issuer.token(roles=["events:read"]))
    key_caller = Caller(key_id="k", name="a key", scopes=frozenset({"events:read"}))
    refused = lacking_scope(token_caller, "lacks it", "orders:write", "orders:manage")
    assert (refused.status_code, refused.detail) == (403, "lacks it")
    assert refused.headers == {
        "WWW-Authenticate": 'Bearer error="insufficient_scope", scope="orders:write orders:manage"'
    }
    assert lacking_scope(key_caller, "lacks it", "orders:write").headers is None
