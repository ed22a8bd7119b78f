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


@asynccontextmanager
async def black_hole(path: str = "/hooks") -> AsyncIterator[tuple[str, list[asyncio.StreamWriter]]]:
    """A receiver that accepts every connection and never answers (nor reads); its URL, and the connections it
    holds."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}{path}", held
    finally:
        for writer in held:
            writer.close()
        server.close()


@asynccontextmanager
async def trickling(every_seconds: float = 0.2, path: str = "/hooks") -> AsyncIterator[str]:
    """A receiver that answers 200 with a long body, one byte every `every_seconds`: no single read waits long,
    the whole answer takes minutes."""

    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n")
        try:
            while True:
                writer.write(b".")
                await writer.drain()
                await asyncio.sleep(every_seconds)
        except (ConnectionError, asyncio.CancelledError):
            writer.close()

    server = await asyncio.start_server(trickle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        server.close()


@dataclass
class Connections:
    """Answers 200 to every request and keeps, for each, its `Host` and the client's port (its connection)."""

    seen: list[tuple[str, int]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        host = dict(scope["headers"]).get(b"host", b"").decode()
        self.seen.append((host, scope["client"][1]))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@asynccontextmanager
async def receiving_over_tls(app: Any, certificate: str, key: str) -> AsyncIterator[int]:
    """Serve `app` over TLS with this certificate on a free loopback port (yielded)."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_config=None,
        access_log=False,
        lifespan="off",
        ssl_certfile=certificate,
        ssl_keyfile=key,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await task


@dataclass
class Nameserver(asyncio.DatagramProtocol):
    """A DNS server on loopback UDP: answers A queries for the names in `records` (AAAA with no record), or
    nothing at all while `silent`; keeps the questions it was asked."""

    records: dict[str, str] = field(default_factory=dict)
    ttl: int = 300
    silent: bool = False
    asked: list[tuple[str, str]] = field(default_factory=list)
    transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        import dns.message
        import dns.rrset

        query = dns.message.from_wire(data)
        question = query.question[0]
        name, kind = question.name.to_text(omit_final_dot=True), dns.rdatatype.to_text(question.rdtype)
        self.asked.append((name, kind))
        if self.silent or self.transport is None:
            return
        answer = dns.message.make_response(query)
        if kind == "A" and name in self.records:
            answer.answer.append(dns.rrset.from_text(question.name, self.ttl, "IN", "A", self.records[name]))
        self.transport.sendto(answer.to_wire(), addr)


@asynccontextmanager
async def nameserver(server: Nameserver) -> AsyncIterator[int]:
    """Serve `server` on a free loopback UDP port (yielded)."""
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
        lambda: server, local_addr=("127.0.0.1", 0)
    )
    try:
        yield transport.get_extra_info("sockname")[1]
    finally:
        transport.close()
