"""Services serve HTTP on uvloop and httptools: uvicorn picks them when installed, and falls back silently when not."""

import asyncio

from uvicorn.loops.auto import auto_loop_factory
from uvicorn.protocols.http.auto import AutoHTTPProtocol


def test_uvicorn_serves_the_services_with_httptools_rather_than_h11() -> None:
    assert AutoHTTPProtocol.__name__ == "HttpToolsProtocol"


def test_uvicorn_runs_the_services_on_a_uvloop_event_loop() -> None:
    loop: asyncio.AbstractEventLoop = auto_loop_factory()()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()
