"""Who is signed in and for how long: a person's session, its tokens and lifetimes, and a sign-in under way; pure."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

HOME = "/"
REACH_CLAIMS = ("facility_id", "agency_id", "trainer_id")


@dataclass(frozen=True)
class Person:
    """What the console shows of the person signed in and uses to pick the navigation; reach is decided by the
    services, from the same token, never here."""

    subject: str
    username: str
    name: str
    roles: frozenset[str]
    reach: dict[str, str]

    def may(self, scope: str) -> bool:
        return scope in self.roles


def person_of(id_claims: dict[str, Any], access_claims: dict[str, Any]) -> Person:
    """The person named by the ID token, with the realm roles and reach claims of the access token."""
    realm_access = access_claims.get("realm_access") or {}
    roles = realm_access.get("roles", []) if isinstance(realm_access, dict) else []
    reach = {claim: str(access_claims[claim]) for claim in REACH_CLAIMS if access_claims.get(claim)}
    username = str(id_claims.get("preferred_username") or id_claims["sub"])
    return Person(
        subject=str(id_claims["sub"]),
        username=username,
        name=str(id_claims.get("name") or username),
        roles=frozenset(role for role in roles if isinstance(role, str)),
        reach=reach,
    )


@dataclass(frozen=True)
class Tokens:
    """The person's tokens, kept server-side only: the browser holds nothing but an opaque session id."""

    access_token: str
    refresh_token: str | None
    id_token: str
    access_expires_at: datetime


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta
    refresh_margin: timedelta


@dataclass(frozen=True)
class Session:
    person: Person
    tokens: Tokens
    csrf_token: str
    started_at: datetime
    last_seen_at: datetime

    def expires_at(self, lifetimes: Lifetimes) -> datetime:
        """The earlier of the idle and the absolute end."""
        return min(self.last_seen_at + lifetimes.idle, self.started_at + lifetimes.absolute)

    def alive(self, now: datetime, lifetimes: Lifetimes) -> bool:
        return now < self.expires_at(lifetimes)

    def needs_refresh(self, now: datetime, lifetimes: Lifetimes) -> bool:
        return self.tokens.access_expires_at - now <= lifetimes.refresh_margin

    def seen(self, now: datetime) -> "Session":
        return replace(self, last_seen_at=now)

    def with_tokens(self, tokens: Tokens) -> "Session":
        return replace(self, tokens=tokens)


@dataclass(frozen=True)
class SignIn:
    """A sign-in sent to the issuer: its state, nonce and PKCE verifier, and the page to return to."""

    state: str
    nonce: str
    code_verifier: str
    return_to: str
    started_at: datetime


def return_path(candidate: str | None) -> str:
    """A page of this console to come back to: a relative path on this origin only (`/peserta?x=1`); anything
    else (`//evil.example`, `https://...`, `/\\evil`, control characters) is the home page."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return HOME
    if "\\" in candidate or any(ord(character) < 0x20 or ord(character) == 0x7F for character in candidate):
        return HOME
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return HOME
    return candidate
