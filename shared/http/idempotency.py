"""Idempotency-Key: a retried POST returns the first response and does nothing again.

Every transaction a keyed POST runs joins one MongoDB transaction (`ServiceDatabase.as_one_transaction`), and
the key's claim and the response are written in it before it commits: the change, the claim and the response
commit together or not at all, whether or not the request records events. A request that answered an error, or
changed nothing, claims nothing, so its retry simply runs. A request that lost the race to commit (a retry, or a
concurrent twin) is answered with the first request's response, once its key is checked again: a key revoked
since gets a 401, never the stored answer. A response that holds personal data is not kept: the route names the
resource it shows (`Content-Location`), and a replay reads that resource again with the caller's key. The first
response is kept for `KEPT_FOR`; the same key with another body (or route) is a 422 naming the header.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import Conflict, InvalidInput
from shared.http.api_keys import ApiKeys
from shared.http.problems import problem
from shared.http.tokens import IssuerUnreachable, TokenRefused
from shared.storage.database import Document, ServiceDatabase, Transaction

HEADER = "Idempotency-Key"
IDEMPOTENCY_KEYS = "idempotency_keys"
KEPT_FOR = timedelta(hours=24)
INDEXES = {
    IDEMPOTENCY_KEYS: [
        IndexModel([("claimed_at", ASCENDING)], name="kept_24h", expireAfterSeconds=int(KEPT_FOR.total_seconds()))
    ]
}
NOT_REPLAYED_TO_A_READ = {b"content-length", b"content-type", HEADER.lower().encode()}


class InvalidIdempotencyKey(InvalidInput):
    """A key is 1 to 255 printable ASCII characters, and names one request: the same route and body."""


class RepeatedRequest(Conflict):
    """Another request with this key committed first; this one is answered with that one's response."""


@dataclass(frozen=True)
class Outcome:
    """What one run of a keyed request came to: the response it made, or the first request's record."""

    status: int = 0
    response: dict[str, Any] | None = None
    first: Document | None = None


def key_id(headers: dict[bytes, bytes], key: str, token_subject: str | None = None) -> str:
    """The stored id of a key: per API key, or per token subject (a retry may carry a refreshed token), so two
    clients' keys never meet."""
    credential = f"token:{token_subject}".encode() if token_subject else headers.get(b"x-api-key", b"")
    caller = hashlib.sha256(credential).hexdigest()[:16]
    return f"{caller}:{key}"


async def token_subject(scope: Scope, headers: dict[bytes, bytes]) -> str | None:
    """The verified subject of a Bearer token; None without one. A bad token raises, and the request is then
    left to the route, whose dependency answers it (401 or 503) without touching any stored answer."""
    scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    verifier = getattr(scope["app"].state, "token_verifier", None)
    if scheme.lower() != "bearer" or not token.strip() or verifier is None:
        return None
    caller = await verifier.caller(token.strip())
    return str(caller.key_id)


def fingerprint(scope: Scope, body: bytes) -> str:
    return hashlib.sha256(scope["path"].encode() + b"\n" + body).hexdigest()


def kept(response: dict[str, Any]) -> dict[str, Any]:
    """The response as stored: by reference when it names the resource it shows (its body may hold personal
    data, which is kept nowhere but in that resource), else whole."""
    if response.get("location"):
        return {key: response[key] for key in ("status", "content_type", "location")}
    return response


HEADER_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "Makes the request safe to retry: the same key and body within 24 h return the first response "
    "without doing anything again; the same key with another body is a 422.",
}


def document_header(app: FastAPI) -> None:
    """Add the Idempotency-Key header to every POST in the app's OpenAPI document."""
    generate = app.openapi

    def with_header() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = generate()
            for item in spec.get("paths", {}).values():
                if "post" in item:
                    item["post"].setdefault("parameters", []).append(HEADER_PARAMETER)
        return app.openapi_schema or spec

    app.openapi = with_header  # type: ignore[method-assign]


class Idempotency:
    """ASGI middleware for POSTs carrying an Idempotency-Key."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        given = headers.get(HEADER.lower().encode())
        if scope["type"] != "http" or scope["method"] != "POST" or given is None:
            await self.app(scope, receive, send)
            return
        key = given.decode("latin-1")
        if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
            await _refuse(scope, receive, send, "An Idempotency-Key is 1 to 255 printable ASCII characters.")
            return
        try:
            subject = await token_subject(scope, headers)
        except (TokenRefused, IssuerUnreachable):
            await self.app(scope, receive, send)
            return
        body = await _buffered(receive)
        database: ServiceDatabase = scope["app"].state.runtime.database
        outcome = await self._carried_out(scope, receive, database, key_id(headers, key, subject), body)
        if outcome.first is not None:
            await self._answer_as_first(scope, receive, send, database, fingerprint(scope, body), outcome.first)
        else:
            assert outcome.response is not None
            await _send(send, outcome.response)

    async def _carried_out(
        self, scope: Scope, receive: Receive, database: ServiceDatabase, claimed_id: str, body: bytes
    ) -> Outcome:
        """The request run once in one transaction with its claim, or the first request's record."""
        keys = database.db[IDEMPOTENCY_KEYS]

        async def attempt() -> Outcome:
            if (first := await keys.find_one({"_id": claimed_id})) is not None:
                return Outcome(first=first)
            status, response = await _captured(self.app, scope, _replaying(body, receive))
            return Outcome(status=status, response=response)

        async def claim(tx: Transaction, outcome: Outcome) -> bool:
            if outcome.response is None or outcome.status >= 400:
                return False  # an error changes nothing: its retry runs
            record = {
                "_id": claimed_id,
                "fingerprint": fingerprint(scope, body),
                "claimed_at": datetime.now(UTC),
                "response": kept(outcome.response),
            }
            try:
                await tx.db[IDEMPOTENCY_KEYS].insert_one(record, session=tx.session)
            except DuplicateKeyError:
                raise RepeatedRequest("A request with this key was carried out first.", field=HEADER) from None
            return True

        try:
            outcome = await database.as_one_transaction(attempt, finish=claim)
        except RepeatedRequest:
            return Outcome(first=await keys.find_one({"_id": claimed_id}))
        # an error may be this one's failing because a twin with its key committed the same change first
        failed = outcome.first is None and outcome.status >= 400
        if failed and (first := await keys.find_one({"_id": claimed_id})) is not None:
            return Outcome(first=first)
        return outcome

    async def _answer_as_first(
        self, scope: Scope, receive: Receive, send: Send, database: ServiceDatabase, sent: str, first: Document
    ) -> None:
        """The first request's response, to the same key still valid; a 422 if this request is another one."""
        if first["fingerprint"] != sent:
            await _refuse(scope, receive, send, "This Idempotency-Key was used for another request (route or body).")
            return
        token = dict(scope["headers"]).get(b"x-api-key")
        # the database is asked every time: a key revoked a moment ago never gets a stored answer
        if token is not None and await ApiKeys(database.db).authenticate(token.decode("latin-1")) is None:
            detail = "The API key is unknown or revoked."
            response = problem(401, "http-401", detail, detail)
            response.headers["WWW-Authenticate"] = "ApiKey"
            await response(scope, receive, send)
            return
        stored: dict[str, Any] = first["response"]
        if "location" not in stored:
            await _send(send, stored)
            return
        status, read = await _captured(self.app, _read_of(scope, stored["location"]), _replaying(b"", receive))
        replayed = {**read, "status": stored["status"], "location": stored["location"]}
        await _send(send, replayed if status == 200 else read)  # else the read's own answer: 403, 404 ...


def _read_of(scope: Scope, location: str) -> Scope:
    """A GET of `location` with the request's own headers (its key, so the read is authorised as any read)."""
    headers = [(name, value) for name, value in scope["headers"] if name not in NOT_REPLAYED_TO_A_READ]
    path = location.encode()
    return {**scope, "method": "GET", "path": location, "raw_path": path, "query_string": b"", "headers": headers}


async def _buffered(receive: Receive) -> bytes:
    body, more = bytearray(), True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return bytes(body)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that gives `body` once, then waits on the connection (for its disconnect)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _captured(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[int, dict[str, Any]]:
    """Run the app; its status and response as kept: status, content type, the resource it shows, and body."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in start.get("headers", [])}
    response = {
        "status": start["status"],
        "content_type": headers.get("content-type", "application/json"),
        "body": b"".join(chunks),
    }
    if "content-location" in headers:
        response["location"] = headers["content-location"]
    return start["status"], response


async def _send(send: Send, response: dict[str, Any]) -> None:
    body = bytes(response["body"])
    headers = [(b"content-type", response["content_type"].encode()), (b"content-length", str(len(body)).encode())]
    if response.get("location"):
        headers.append((b"content-location", response["location"].encode()))
    await send({"type": "http.response.start", "status": response["status"], "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _refuse(scope: Scope, receive: Receive, send: Send, detail: str) -> None:
    await _problem(scope, receive, send, 422, "invalid-idempotency-key", detail, field=HEADER)


async def _problem(
    scope: Scope, receive: Receive, send: Send, status: int, slug: str, detail: str, **extra: Any
) -> None:
    title = slug.replace("-", " ").capitalize()
    await problem(status, slug, title, detail, **extra)(scope, receive, send)
