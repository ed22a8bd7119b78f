"""The OpenID provider (Keycloak's realm) through Authlib: authorization code with PKCE S256, the ID token verified
(signature, issuer, audience, expiry, nonce), refreshes, and RP-initiated logout."""

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from authlib.integrations.base_client import BaseApp, OAuthError
from authlib.integrations.base_client.async_app import AsyncOAuth2Mixin
from authlib.integrations.base_client.async_openid import AsyncOpenIDMixin
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from services.console.sessions.domain import Person, SignIn, Tokens, person_of

ID_TOKEN_LEEWAY_SECONDS = 30
ALGORITHMS = ["RS256", "PS256", "ES256"]  # as the services accept: never `none`, never a shared secret


class SignInFailed(Exception):
    """The issuer refused the code, or a token did not verify; `reason` is fixed text, never a token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IssuerUnavailable(Exception):
    """The issuer did not answer (down, or too slow): nobody can sign in or refresh until it does."""


class SessionEnded(Exception):
    """The issuer no longer honours the refresh token: the person's session there has ended."""


class OpenIdApp(AsyncOAuth2Mixin, AsyncOpenIDMixin, BaseApp):  # type: ignore[misc]
    """Authlib's OpenID client over httpx, without a web framework's session: sign-ins are kept in our store."""

    client_cls = AsyncOAuth2Client


class Issuer:
    def __init__(
        self, *, issuer_url: str, client_id: str, client_secret: str, redirect_uri: str, timeout_seconds: float
    ) -> None:
        self.issuer_url = issuer_url.rstrip("/")
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self._app = OpenIdApp(
            framework=None,
            client_id=client_id,
            client_secret=client_secret,
            server_metadata_url=f"{self.issuer_url}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid", "code_challenge_method": "S256", "timeout": timeout_seconds},
        )

    async def authorization(self, return_to: str, *, now: datetime) -> tuple[str, SignIn]:
        """Where to send the browser, and the sign-in to keep until it comes back."""
        nonce = secrets.token_urlsafe(24)
        async with answering():
            made = await self._app.create_authorization_url(self.redirect_uri, nonce=nonce)
        sign_in = SignIn(made["state"], nonce, made["code_verifier"], return_to, now)
        return str(made["url"]), sign_in

    async def signed_in(self, sign_in: SignIn, code: str) -> tuple[Person, Tokens]:
        """Exchange the code (with the PKCE verifier) and verify the ID token against the nonce sent."""
        try:
            async with answering():
                token = await self._app.fetch_access_token(
                    self.redirect_uri, code=code, code_verifier=sign_in.code_verifier, state=sign_in.state
                )
            options = {
                "iss": {"essential": True, "value": self.issuer_url},
                "aud": {"essential": True, "value": self.client_id},
            }
            id_claims = await self._app.parse_id_token(
                token, sign_in.nonce, claims_options=options, leeway=ID_TOKEN_LEEWAY_SECONDS
            )
        except (OAuthError, JoseError) as error:
            raise SignInFailed(f"the issuer's answer did not verify ({type(error).__name__})") from None
        if id_claims is None:
            raise SignInFailed("the issuer sent no ID token")
        return person_of(dict(id_claims), await self._access_claims(token["access_token"])), tokens_of(token)

    async def refreshed(self, tokens: Tokens) -> tuple[Person, Tokens]:
        if tokens.refresh_token is None:
            raise SessionEnded
        try:
            async with answering():
                token = await self._app.fetch_access_token(
                    grant_type="refresh_token", refresh_token=tokens.refresh_token
                )
        except OAuthError:
            raise SessionEnded from None
        token.setdefault("id_token", tokens.id_token)
        id_claims = jwt.decode(token["id_token"], await self._keys(), algorithms=ALGORITHMS).claims
        return person_of(id_claims, await self._access_claims(token["access_token"])), tokens_of(token)

    async def logout_url(self, tokens: Tokens, *, after: str) -> str:
        """The issuer's end-session endpoint, which ends the person's session there too, then comes back."""
        async with answering():
            made = await self._app.create_logout_url(
                post_logout_redirect_uri=after, id_token_hint=tokens.id_token, client_id=self.client_id
            )
        return str(made["url"])

    async def _keys(self) -> KeySet:
        async with answering():
            return KeySet.import_key_set(await self._app.fetch_jwk_set())

    async def _access_claims(self, access_token: str) -> dict[str, Any]:
        """The access token's claims, its signature checked (the services check it all again on every call)."""
        try:
            return dict(jwt.decode(access_token, await self._keys(), algorithms=ALGORITHMS).claims)
        except JoseError:
            async with answering():
                await self._app.fetch_jwk_set(force=True)  # a key rotated since the keys were fetched
            return dict(jwt.decode(access_token, await self._keys(), algorithms=ALGORITHMS).claims)


@asynccontextmanager
async def answering() -> AsyncIterator[None]:
    """An issuer that cannot be reached, or answers with an error status, is unavailable."""
    try:
        yield
    except httpx.HTTPError:
        raise IssuerUnavailable from None


def tokens_of(token: dict[str, Any]) -> Tokens:
    expires_at = token.get("expires_at")
    if expires_at is None:
        expires_at = datetime.now(UTC).timestamp() + float(token.get("expires_in", 60))
    return Tokens(
        access_token=token["access_token"],
        refresh_token=token.get("refresh_token"),
        id_token=token["id_token"],
        access_expires_at=datetime.fromtimestamp(float(expires_at), UTC),
    )


def expiry(now: datetime, minutes: float) -> datetime:
    return now + timedelta(minutes=minutes)
