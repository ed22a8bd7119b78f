"""Idempotency-Key: a retried POST returns the first response and does nothing again.

The key is claimed inside the transaction that records the command's events, so the claim and the change
commit together or not at all: a request that lost the race to commit (a retry, or a concurrent twin) is
abandoned and answered with the first request's response. A request that failed before changing anything
claims nothing, so its retry simply runs. The first response (status and body) is kept beside the claim for
`KEPT_FOR`; the same key with another body (or route) is a 422 naming the header.
"""

import asyncio
import hashlib
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import Conflict, InvalidInput
from shared.http.problems import problem
from shared.storage.database import Transaction

HEADER = "Idempotency-Key"
IDEMPOTENCY_KEYS = "idempotency_keys"
KEPT_FOR = timedelta(hours=24)
WAIT_FOR_FIRST_SECONDS = 10.0
INDEXES = {
    IDEMPOTENCY_KEYS: [
        IndexModel([("claimed_at", ASCENDING)], name="kept_24h", expireAfterSeconds=int(KEPT_FOR.total_seconds()))
    ]
}


class InvalidIdempotencyKey(InvalidInput):
    """A key is 1 to 255 printable ASCII characters, and names one request: the same route and body."""


class RepeatedRequest(Conflict):
    """Another request with this key committed first; this one is answered with that one's response."""


@dataclass
class Claim:
    """The key of the request being handled, and whether a transaction of it has claimed the key."""

    key_id: str
    fingerprint: str
    claimed: bool = False
    lost: bool = False


current: ContextVar[Claim | None] = ContextVar("idempotency_claim", default=None)


async def claim_in(tx: Transaction) -> None:
    """Claim the current request's key in a transaction that records events (once per request)."""
    claim = current.get()
    if claim is None or claim.claimed:
        return
    record = {"_id": claim.key_id, "fingerprint": claim.fingerprint, "claimed_at": datetime.now(UTC)}
    try:
        await tx.db[IDEMPOTENCY_KEYS].insert_one(record, session=tx.session)
    except DuplicateKeyError:
        claim.lost = True
        raise RepeatedRequest("A request with this Idempotency-Key was carried out first.", field=HEADER) from None
    claim.claimed = True


def key_id(headers: dict[bytes, bytes], key: str) -> str:
    """The stored id of a key: per API key, so two clients' keys never meet."""
    caller = hashlib.sha256(headers.get(b"x-api-key", b"")).hexdigest()[:16]
    return f"{caller}:{key}"


def fingerprint(scope: Scope, body: bytes) -> str:
    return hashlib.sha256(scope["path"].encode() + b"\n" + body).hexdigest()


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
        body, replay_body = await _buffered(receive)
        claim = Claim(key_id(headers, key), fingerprint(scope, body))
        keys = scope["app"].state.runtime.database.db[IDEMPOTENCY_KEYS]
        if (first := await keys.find_one({"_id": claim.key_id})) is not None:
            await self._answer_as_first(scope, replay_body, send, claim, keys, first)
            return
        token = current.set(claim)
        try:
            status, response = await _captured(self.app, scope, replay_body)
        finally:
            current.reset(token)
        if claim.lost or (not claim.claimed and await keys.find_one({"_id": claim.key_id}) is not None):
            # a twin with this key committed first (this one may even have failed because of it)
            await self._answer_as_first(scope, replay_body, send, claim, keys, None)
            return
        if claim.claimed:
            await keys.update_one({"_id": claim.key_id}, {"$set": {"response": response}})
        await _send(send, status, response)

    async def _answer_as_first(
        self, scope: Scope, receive: Receive, send: Send, claim: Claim, keys: Any, first: dict[str, Any] | None
    ) -> None:
        """The first request's response, once it is kept; a 422 if this request is another one."""
        deadline = asyncio.get_running_loop().time() + WAIT_FOR_FIRST_SECONDS
        while first is None or "response" not in first:
            if first is not None and first["fingerprint"] != claim.fingerprint:
                break
            if asyncio.get_running_loop().time() > deadline:
                detail = "The first request with this key changed the data; its response is not kept yet, retry later."
                await _problem(scope, receive, send, 409, "in-progress", detail)
                return
            await asyncio.sleep(0.05)
            first = await keys.find_one({"_id": claim.key_id})
        if first["fingerprint"] != claim.fingerprint:
            await _refuse(scope, receive, send, "This Idempotency-Key was used for another request (route or body).")
            return
        await _send(send, first["response"]["status"], first["response"])


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    body, more = bytearray(), True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        more = message.get("more_body", False)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": bytes(body), "more_body": False}

    return bytes(body), replay


async def _captured(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[int, dict[str, Any]]:
    """Run the app; its status and response as kept: status, content type and body."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in start.get("headers", [])}
    content_type = headers.get("content-type", "application/json")
    return start["status"], {"status": start["status"], "content_type": content_type, "body": b"".join(chunks)}


async def _send(send: Send, status: int, response: dict[str, Any]) -> None:
    body = bytes(response["body"])
    headers = [(b"content-type", response["content_type"].encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _refuse(scope: Scope, receive: Receive, send: Send, detail: str) -> None:
    await _problem(scope, receive, send, 422, "invalid-idempotency-key", detail, field=HEADER)


async def _problem(
    scope: Scope, receive: Receive, send: Send, status: int, slug: str, detail: str, **extra: Any
) -> None:
    title = slug.replace("-", " ").capitalize()
    await problem(status, slug, title, detail, **extra)(scope, receive, send)
