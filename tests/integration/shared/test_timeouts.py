"""A database that stops answering (a stuck primary) never holds a request for ever: every call has a deadline,
and the request is answered with a 503 problem once it passes."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from urllib.parse import urlsplit

import httpx

from services.production.main import ProductionSettings, create_app
from tests.support.infrastructure import Infrastructure
from tests.support.production import rack
from tests.support.services import serving, settings_for


class FreezableProxy:
    """A TCP proxy to the database that can stop passing bytes on, both ways, with every connection held open:
    what a client sees of a primary stuck on a lock or a full disk."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._pumps: set[asyncio.Task[None]] = set()

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*self._upstream)
        for source, sink in ((reader, upstream_writer), (upstream_reader, writer)):
            pump = asyncio.create_task(self._pump(source, sink))
            self._pumps.add(pump)
            pump.add_done_callback(self._pumps.discard)

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with suppress(ConnectionError):
            while data := await source.read(65536):
                await self._flowing.wait()
                sink.write(data)
                await sink.drain()
        sink.close()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[int]:
        server = await asyncio.start_server(self._connected, "127.0.0.1", 0)
        try:
            yield server.sockets[0].getsockname()[1]
        finally:
            self.thaw()
            server.close()
            for pump in list(self._pumps):
                pump.cancel()


async def test_a_stuck_database_answers_reads_and_writes_with_a_503_within_the_deadline(
    infrastructure: Infrastructure, namespace: str
) -> None:
    upstream = urlsplit(infrastructure.mongodb_url)
    proxy = FreezableProxy(upstream.hostname or "127.0.0.1", upstream.port or 27017)
    async with proxy.running() as port:
        proxied = Infrastructure(
            infrastructure.kafka_bootstrap_servers, f"mongodb://127.0.0.1:{port}/?directConnection=true"
        )
        settings = settings_for(ProductionSettings, proxied, namespace, mongodb_timeout_ms=1500)
        async with serving(create_app(settings)) as production:
            writer = await production.mint_key("production:write", "production:read")
            assert (await production.http.get("/sites", headers=writer)).status_code == 200
            proxy.freeze()
            # well past the deadline, yet far short of forever: a request still waiting then has none
            patience = httpx.Timeout(20.0)
            read = await production.http.get("/sites", headers=writer, timeout=patience)
            write = await production.http.post("/sites", json=rack(), headers=writer, timeout=patience)
            proxy.thaw()

    for answer in (read, write):
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"].split(":")[-1] in {"database-timeout", "database-unavailable"}
