"""Webhook receivers on loopback for the tests: small HTTP servers that keep what arrived and answer as told."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from standardwebhooks.webhooks import Webhook
from starlette.types import Receive, Scope, Send


@dataclass(frozen=True)
class Arrival:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    def verified(self, secret: str) -> dict[str, Any]:
        """The event, once the Standard Webhooks library has verified its signature with `secret`."""
        verified: dict[str, Any] = Webhook(secret).verify(self.body, self.headers)
        return verified


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"


@dataclass
class Receiver:
    """Answers each request with the next scripted reply (200 once the script is spent); `gate` holds every
    answer until it is set (a slow receiver)."""

    script: list[Reply] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)
    answered: list[tuple[Arrival, int]] = field(default_factory=list)
    gate: asyncio.Event | None = None
    url: str = ""
    refusing: dict[tuple[str, int], int] = field(default_factory=dict)
    """(subject, sequence) -> how many times more to answer 503 for that event."""

    def types(self) -> list[str]:
        return [arrival.event["type"] for arrival, status in self.answered if 200 <= status < 300]

    def delivered(self) -> list[Arrival]:
        return [arrival for arrival, status in self.answered if 200 <= status < 300]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        arrival = Arrival({k.decode(): v.decode() for k, v in scope["headers"]}, body)
        self.arrivals.append(arrival)
        if self.gate is not None:
            await self.gate.wait()
        reply = self.script.pop(0) if self.script else Reply()
        event = (arrival.event.get("subject", ""), arrival.event.get("sequence", 0))
        if self.refusing.get(event, 0) > 0:
            self.refusing[event] -= 1
            reply = Reply(503, body=b"not yet")
        headers = [(k.encode(), v.encode()) for k, v in reply.headers.items()]
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})
        self.answered.append((arrival, reply.status))


@asynccontextmanager
async def receiving(receiver: Receiver, path: str = "/hooks") -> AsyncIterator[Receiver]:
    """Serve `receiver` on a free loopback port; its `url` is set while it runs."""
    config = uvicorn.Config(receiver, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    receiver.url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}{path}"
    try:
        yield receiver
    finally:
        if receiver.gate is not None:
            receiver.gate.set()
        server.should_exit = True
        await task
