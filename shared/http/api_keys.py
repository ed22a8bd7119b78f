"""API keys with scopes, stored hashed in the service's own database, and the checks that use them."""

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pymongo.asynchronous.database import AsyncDatabase
from starlette.exceptions import HTTPException

from shared.errors import InvalidInput

log = logging.getLogger(__name__)
API_KEYS = "api_keys"
ADMIN_SCOPE = "admin"
STAFF_SCOPE = "platform:staff"
REACH_ATTRIBUTES = frozenset({"facility_id", "agency_id", "trainer_id", "integrator_id"})
"""The attributes that say how far a caller reaches; any other is refused, never ignored."""
TOKEN_PREFIX = "pk"
CALLER_KEPT_SECONDS = 5.0
CALLERS_KEPT_AT_MOST = 10_000


@dataclass(frozen=True)
class Caller:
    """Who is calling: the key's name, its scopes, attributes such as facility_id or agency_id, and whether an API
    key or an access token said so (a refusal is worded for the credential sent)."""

    key_id: str
    name: str
    scopes: frozenset[str]
    attributes: dict[str, str] = field(default_factory=dict)
    credential: Literal["key", "token"] = "key"

    def __post_init__(self) -> None:
        if unknown := unknown_attributes(self.attributes):
            raise UnknownAttribute(f"The attribute {unknown[0]} is not one the platform knows.", field=unknown[0])

    def may(self, scope: str) -> bool:
        return scope in self.scopes or ADMIN_SCOPE in self.scopes

    @property
    def staff(self) -> bool:
        """Platform staff by the explicit scope `platform:staff` (or `admin`) and no reach attribute: they reach
        everything. A caller with neither staff nor an attribute reaches nothing beyond the public parts."""
        return self.may(STAFF_SCOPE) and not self.attributes

    @property
    def agency_id(self) -> str | None:
        """The partner agency a key belongs to; platform staff keys belong to none."""
        return self.attributes.get("agency_id")


class EmptyAttribute(InvalidInput):
    """An attribute limits a key's reach; an empty one (`facility_id=` from an unset shell variable) limits
    nothing, so it is refused rather than read as "everywhere"."""


class UnknownAttribute(InvalidInput):
    """An attribute the platform does not know (`facilty_id`) would limit nothing, so it is refused rather than
    read as "everywhere"."""


def unknown_attributes(attributes: dict[str, str]) -> list[str]:
    return sorted(name for name in attributes if name not in REACH_ATTRIBUTES)


def blank_attributes(attributes: dict[str, str]) -> list[str]:
    return sorted(name for name, value in attributes.items() if not str(value).strip())


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeys:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._keys = db[API_KEYS]

    async def mint(self, *, name: str, scopes: list[str], attributes: dict[str, str] | None = None) -> str:
        """Store a new key and return its token; only the token's hash is kept."""
        if blank := blank_attributes(attributes or {}):
            raise EmptyAttribute(f"The attribute {blank[0]} has no value; leave it out or give one.", field=blank[0])
        if unknown := unknown_attributes(attributes or {}):
            known = ", ".join(sorted(REACH_ATTRIBUTES))
            raise UnknownAttribute(f"The attribute {unknown[0]} is unknown; known are {known}.", field=unknown[0])
        key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        await self._keys.insert_one(
            {
                "_id": key_id,
                "name": name,
                "scopes": sorted(set(scopes)),
                "attributes": attributes or {},
                "secret_sha256": digest(secret),
                "created_at": datetime.now(UTC),
                "revoked_at": None,
            }
        )
        return f"{TOKEN_PREFIX}.{key_id}.{secret}"

    async def revoke(self, key_id: str) -> bool:
        result = await self._keys.update_one(
            {"_id": key_id, "revoked_at": None}, {"$set": {"revoked_at": datetime.now(UTC)}}
        )
        return result.modified_count == 1

    async def listing(self) -> list[dict[str, Any]]:
        return await self._keys.find({}, projection={"secret_sha256": False}, sort=[("created_at", 1)]).to_list()

    async def authenticate(self, token: str) -> Caller | None:
        prefix, _, rest = token.partition(".")
        key_id, _, secret = rest.partition(".")
        if prefix != TOKEN_PREFIX or not key_id or not secret:
            return None
        key = await self._keys.find_one({"_id": key_id, "revoked_at": None})
        if key is None or not hmac.compare_digest(key["secret_sha256"], digest(secret)):
            return None
        attributes = dict(key.get("attributes", {}))
        if blank_attributes(attributes):
            # minted before minting refused them: such a key reaches nothing rather than everywhere
            log.warning("refused key %s: empty attributes %s", key_id, blank_attributes(attributes))
            return None
        if unknown_attributes(attributes):
            # minted before minting refused them: such a key reaches nothing rather than everywhere
            log.warning("refused key %s: unknown attributes %s", key_id, unknown_attributes(attributes))
            return None
        return Caller(key_id=key_id, name=key["name"], scopes=frozenset(key["scopes"]), attributes=attributes)


class RecentCallers:
    """Callers whose key was found valid within `kept_seconds`, so that a burst of requests looks a key up once.

    The price: a key revoked meanwhile keeps working in this process until its entry expires (`kept_seconds`).
    Only valid keys are kept, by the token's hash, so an unknown or revoked key is looked up every time.
    """

    def __init__(
        self, *, kept_seconds: float = CALLER_KEPT_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._kept_seconds = kept_seconds
        self._clock = clock
        self._callers: dict[str, tuple[float, Caller]] = {}

    async def caller(self, token: str, authenticate: Callable[[str], Awaitable[Caller | None]]) -> Caller | None:
        hashed, now = digest(token), self._clock()
        kept = self._callers.get(hashed)
        if kept is not None and kept[0] > now:
            return kept[1]
        caller = await authenticate(token)
        if caller is None:
            self._callers.pop(hashed, None)
            return None
        if len(self._callers) >= CALLERS_KEPT_AT_MOST:
            self._callers.clear()  # many keys at once: forgetting them all costs one lookup each, no more
        self._callers[hashed] = (now + self._kept_seconds, caller)
        return caller


api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key minted with `python -m deploy.operate mint-api-key`."
)


bearer_token = HTTPBearer(
    auto_error=False, description="An access token from the platform's OIDC issuer (Keycloak realm `pembinaan`)."
)
CHALLENGES = {"WWW-Authenticate": 'Bearer realm="pembinaan", ApiKey'}
NO_TOKENS = 'Bearer error="invalid_token", error_description="This service accepts no access tokens."'


async def current_caller(
    request: Request,
    token: Annotated[str | None, Depends(api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_token)],
) -> Caller:
    """The caller of an API key or of a Bearer access token: 401 without a valid one (a key revoked in the last
    `CALLER_KEPT_SECONDS` may pass here), 400 with both (which of two identities is meant is not guessed)."""
    if token and bearer:
        raise HTTPException(400, "Send either an X-API-Key or an Authorization: Bearer token, not both.")
    if bearer:
        return await token_caller(request, bearer.credentials)
    if not token:
        raise HTTPException(
            401, "An API key (X-API-Key) or an access token (Authorization: Bearer) is required.", headers=CHALLENGES
        )

    async def authenticate(token: str) -> Caller | None:  # the database is asked only for a key not kept
        return await ApiKeys(request.app.state.runtime.database.db).authenticate(token)

    recent: RecentCallers = request.app.state.recent_callers
    caller = await recent.caller(token, authenticate)
    if caller is None:
        raise HTTPException(401, "The API key is unknown or revoked.", headers={"WWW-Authenticate": "ApiKey"})
    return caller


async def token_caller(request: Request, token: str) -> Caller:
    """The Caller of a Bearer token, by the app's verifier (shared.http.tokens; kept off this module's imports)."""
    verifier = getattr(request.app.state, "token_verifier", None)
    if verifier is None:
        raise HTTPException(401, "This service accepts no access tokens.", headers={"WWW-Authenticate": NO_TOKENS})
    caller: Caller = await verifier.bearer_caller(token)
    return caller


def lacking_scope(caller: Caller, detail: str, *scopes: str) -> HTTPException:
    """The 403 for a caller holding none of `scopes`: a token's carries RFC 6750's challenge naming them (§3.1),
    so an OAuth2 client knows to ask for more; a key's is the problem alone."""
    if caller.credential != "token":
        return HTTPException(403, detail)
    challenge = f'Bearer error="insufficient_scope", scope="{" ".join(scopes)}"'
    return HTTPException(403, detail, headers={"WWW-Authenticate": challenge})


def scoped(scope: str) -> Any:
    """A dependency giving the caller, or 403 when the key or token lacks `scope`."""

    async def check(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
        if not caller.may(scope):
            raise lacking_scope(caller, f"The caller's key or token lacks the scope {scope!r}.", scope)
        return caller

    return Depends(check)
