"""OIDC access tokens (Keycloak's): checked against the issuer's JWKS and read as the same Caller an API key is."""

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from starlette.exceptions import HTTPException

from shared.http.api_keys import CALLERS_KEPT_AT_MOST, Caller, digest

log = logging.getLogger(__name__)
ISSUER_RETRY_SECONDS = "5"
ALGORITHMS = ("RS256", "PS256", "ES256")  # never `none`, never HS*: a public key is no shared secret
REACH_CLAIMS = ("facility_id", "agency_id", "trainer_id", "integrator_id")
CERTS_PATH = "/protocol/openid-connect/certs"


class TokenRefused(Exception):
    """A token that is not valid here; `description` is fixed per reason and never holds the token."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class IssuerUnreachable(Exception):
    """The issuer's keys could not be fetched, so no token can be checked (answered 503, never let through)."""


@dataclass(frozen=True)
class OidcPolicy:
    issuer: str
    audience: str
    leeway_seconds: float = 30.0


class IssuerKeys:
    """The issuer's signing keys by kid: fetched on first use, again when older than `max_age_seconds`, and on a
    kid not known yet, but at most once every `refresh_seconds`, so a flood of made-up kids cannot hammer it."""

    def __init__(
        self,
        jwks_url: str,
        http: httpx.AsyncClient,
        *,
        refresh_seconds: float = 30.0,
        max_age_seconds: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url, self._http, self._clock = jwks_url, http, clock
        self._refresh_seconds, self._max_age_seconds = refresh_seconds, max_age_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None  # the last good fetch
        self._tried_at: float | None = None  # the last attempt, good or not
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def key(self, kid: str) -> jwt.PyJWK:
        if self._stale() or kid not in self._keys:
            await self._refresh()
        if kid not in self._keys:
            raise TokenRefused("The token is signed by a key the issuer does not publish.")
        return self._keys[kid]

    def _stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self._max_age_seconds

    def _tried_recently(self) -> bool:
        return self._tried_at is not None and self._clock() - self._tried_at < self._refresh_seconds

    async def _refresh(self) -> None:
        tried_at = self._tried_at
        async with self._lock:
            if self._tried_at == tried_at and not self._tried_recently():  # else another request just fetched
                self._tried_at = self._clock()
                self.fetches += 1
                self._keys = await self._fetched()
                self._fetched_at = self._clock()
        if self._stale():
            raise IssuerUnreachable  # the last fetch failed a moment ago: no keys to check with

    async def _fetched(self) -> dict[str, jwt.PyJWK]:
        try:
            response = await self._http.get(self._url)
            response.raise_for_status()
            listed = response.json().get("keys", [])
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            log.warning("the issuer's keys could not be fetched: %s", type(error).__name__)
            raise IssuerUnreachable from error
        keys = {}
        for entry in listed if isinstance(listed, list) else []:
            if not isinstance(entry, dict) or entry.get("use", "sig") != "sig" or not isinstance(entry.get("kid"), str):
                continue  # Keycloak also publishes an encryption key
            try:
                keys[entry["kid"]] = jwt.PyJWK(entry)
            except jwt.PyJWKError:
                continue  # a key of a type or algorithm this library does not verify with
        return keys


REFUSALS: tuple[tuple[type[jwt.InvalidTokenError], str], ...] = (
    (jwt.ExpiredSignatureError, "The token has expired."),
    (jwt.ImmatureSignatureError, "The token is not valid yet."),
    (jwt.InvalidAudienceError, "The token is not meant for these services."),
    (jwt.InvalidIssuerError, "The token is from another issuer."),
    (jwt.InvalidSignatureError, "The token's signature does not verify."),
    (jwt.InvalidAlgorithmError, "The token's algorithm is not accepted."),
    (jwt.MissingRequiredClaimError, "The token lacks a required claim."),
    (jwt.DecodeError, "The token is malformed."),
)


def refusal(error: jwt.InvalidTokenError) -> str:
    return next((text for kind, text in REFUSALS if isinstance(error, kind)), "The token is not valid.")


def caller_of(claims: dict[str, Any]) -> Caller:
    """Scopes from the realm roles; reach from the four reach claims only; named by client or user name."""
    realm_access = claims.get("realm_access") or {}
    roles = realm_access.get("roles", []) if isinstance(realm_access, dict) else None
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise TokenRefused("The token's realm roles are not a list of names.")
    attributes = {}
    for name in REACH_CLAIMS:
        if name in claims:
            value = claims[name]
            if not isinstance(value, str) or not value.strip():
                raise TokenRefused(f"The token's {name} claim is not one non-empty value.")
            attributes[name] = value
    subject = str(claims.get("sub") or claims.get("client_id") or claims.get("azp") or "")
    if not subject:
        raise TokenRefused("The token names no subject.")
    name = claims.get("client_id") or claims.get("preferred_username") or claims.get("azp") or subject
    scopes = frozenset(roles)
    return Caller(key_id=f"token:{subject}", name=str(name), scopes=scopes, attributes=attributes, credential="token")


class TokenVerifier:
    """Checks a bearer token and gives its Caller; a verified token's Caller is kept (by the token's hash) until
    the token expires, so a burst of requests checks a signature once."""

    def __init__(self, policy: OidcPolicy, keys: IssuerKeys, *, clock: Callable[[], float] = time.time) -> None:
        self._policy, self._keys, self._clock = policy, keys, clock
        self._verified: dict[str, tuple[float, Caller]] = {}

    async def bearer_caller(self, token: str) -> Caller:
        """The token's Caller; 401 with a Bearer challenge when it is not valid, 503 when it cannot be checked."""
        try:
            return await self.caller(token)
        except TokenRefused as refused:
            challenge = f'Bearer error="invalid_token", error_description="{refused.description}"'
            raise HTTPException(401, refused.description, headers={"WWW-Authenticate": challenge}) from None
        except IssuerUnreachable:
            detail = "The access token cannot be checked now: the issuer's keys are out of reach."
            raise HTTPException(503, detail, headers={"Retry-After": ISSUER_RETRY_SECONDS}) from None

    async def caller(self, token: str) -> Caller:
        hashed = digest(token)
        kept = self._verified.get(hashed)
        if kept is not None and kept[0] > self._clock():
            return kept[1]
        claims = await self._claims(token)
        caller = caller_of(claims)
        if len(self._verified) >= CALLERS_KEPT_AT_MOST:
            self._verified.clear()
        self._verified[hashed] = (float(claims["exp"]), caller)
        return caller

    async def _claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise TokenRefused(refusal(error)) from None
        if header.get("alg") not in ALGORITHMS:
            raise TokenRefused("The token's algorithm is not accepted.")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenRefused("The token names no signing key.")
        key = await self._keys.key(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=list(ALGORITHMS),
                audience=self._policy.audience,
                issuer=self._policy.issuer,
                leeway=self._policy.leeway_seconds,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.InvalidTokenError as error:
            raise TokenRefused(refusal(error)) from None
        return claims
