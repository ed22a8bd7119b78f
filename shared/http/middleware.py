"""ASGI middleware every service runs: request id, metrics, a bound on request bodies, and a deadline on reads."""

import logging
import re
import time
from uuid import uuid4

import pymongo
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import metrics
from shared.http.problems import problem
from shared.tracing import request_id

access = logging.getLogger("shared.access")
REQUEST_ID_HEADER = "x-request-id"
ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContext:
    """Takes the caller's X-Request-ID (or makes one), echoes it, times and counts the request, and writes an
    access line of method, route template (never the URL: a path or query string may hold personal data),
    status and duration; the JSON log adds the request id."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        current = given if ACCEPTABLE_REQUEST_ID.match(given) else str(uuid4())
        token = request_id.set(current)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER.encode(), current.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            seconds = time.perf_counter() - started
            access.info("%s %s %d %.1fms", scope["method"], route, status, seconds * 1000)
            request_id.reset(token)
            metrics.HTTP_REQUESTS.labels(self.service, scope["method"], route, str(status)).inc()
            metrics.HTTP_DURATION.labels(self.service, scope["method"], route).observe(seconds)


class BodyLimit:
    """Refuses bodies over `max_bytes` with 413, by Content-Length or while reading a chunked body."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
        replayed = False

        async def replay_body() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay_body, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413, "body-too-large", "Request body too large", f"The body exceeds {self.max_bytes} bytes.", field="body"
        )
        await response(scope, receive, send)


class QueryDeadline:
    """Gives a GET (a list, a search, a page) `seconds` for all its database calls together: each query is
    sent with the time left as its maxTimeMS, so an unanchored regex or a scan stops there (a 503), rather than
    holding a connection and the server for as long as it takes. Writes keep the client's per-call deadline."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"GET", "HEAD"}:
            await self.app(scope, receive, send)
            return
        with pymongo.timeout(self.seconds):
            await self.app(scope, receive, send)
