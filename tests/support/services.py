"""Services under test: real apps on real HTTP ports, each test with its own topics and databases."""

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import uvicorn
from fastapi import FastAPI

from shared.http.api_keys import STAFF_SCOPE, ApiKeys
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from tests.support.infrastructure import Infrastructure

Settings = TypeVar("Settings", bound=ServiceSettings)


def settings_for(
    settings_class: type[Settings], infrastructure: Infrastructure, namespace: str, **overrides: Any
) -> Settings:
    """Settings that keep a test's topics, consumer groups and databases to itself."""
    name = settings_class.model_fields["service_name"].default
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": infrastructure.kafka_bootstrap_servers,
        "mongodb_url": infrastructure.mongodb_url,
        "kafka_topic_prefix": namespace,
        "mongodb_database": f"{namespace}{name}",
        "outbox_poll_seconds": 0.2,
        "consumer_backoff_seconds": 0.05,
        "log_level": "WARNING",
        **overrides,
    }
    return settings_class(**values)


@dataclass
class RunningService:
    app: FastAPI
    base_url: str
    http: httpx.AsyncClient

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    async def mint_key(
        self, *scopes: str, name: str = "test", staff: bool | None = None, **attributes: str
    ) -> dict[str, str]:
        """Headers carrying a fresh key with `scopes`. A key without attributes is platform staff's (it is
        given `platform:staff`) unless `staff=False`: no attribute no longer means "everything" by itself."""
        if staff is None:
            staff = not attributes
        granted = [*scopes, STAFF_SCOPE] if staff else list(scopes)
        token = await ApiKeys(self.runtime.database.db).mint(name=name, scopes=granted, attributes=attributes)
        return {"X-API-Key": token}


@asynccontextmanager
async def serving(app: FastAPI, *, bound: socket.socket | None = None) -> AsyncIterator[RunningService]:
    """Run `app` under uvicorn on a free port of this machine (or on the socket `bound` already, for an app that
    must know its own address before it starts), lifespan included."""
    server = uvicorn.Server(
        # as the services' own launcher: forwarded headers are read by the app, from the proxies it trusts
        uvicorn.Config(
            app, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="on", proxy_headers=False
        )
    )
    task = asyncio.create_task(server.serve(sockets=[bound] if bound is not None else None))
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("the server stopped while starting")
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        try:
            yield RunningService(app=app, base_url=base_url, http=http)
        finally:
            server.should_exit = True
            await stopped_within_grace(task)


async def stopped_within_grace(server: "asyncio.Task[None]", grace_seconds: float = 30.0) -> None:
    """Wait for a service to stop; one that has not within the grace period is cancelled, and the test fails
    naming it rather than hanging the run."""
    try:
        await asyncio.wait_for(server, timeout=grace_seconds)
    except TimeoutError:
        raise AssertionError(f"the service did not stop within {grace_seconds:.0f}s; cancelled") from None


Probe = TypeVar("Probe")


async def eventually(probe: Callable[[], Awaitable[Probe]], *, timeout: float = 60.0, interval: float = 0.1) -> Probe:
    """The probe's first truthy result; an AssertionError with the last result after `timeout`.

    The default is generous for a slow machine; a healthy run takes well under a second per wait.
    """
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await probe()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true within {timeout}s; last result: {result!r}")
        await asyncio.sleep(interval)
