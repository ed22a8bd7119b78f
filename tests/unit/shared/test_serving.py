"""How services serve: on uvloop and httptools, with a collector sparing startup's objects, with no thread hop."""

import asyncio
import gc
import inspect

from uvicorn.loops.auto import auto_loop_factory
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from shared.http.app import service_database
from shared.http.serving import tune_garbage_collection


def test_uvicorn_serves_the_services_with_httptools_rather_than_h11() -> None:
    assert AutoHTTPProtocol.__name__ == "HttpToolsProtocol"


def test_uvicorn_runs_the_services_on_a_uvloop_event_loop() -> None:
    loop: asyncio.AbstractEventLoop = auto_loop_factory()()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()


def test_a_served_process_collects_rarely_and_never_rescans_what_startup_built() -> None:
    thresholds = gc.get_threshold()
    try:
        tune_garbage_collection()
        assert gc.get_threshold()[0] >= 10_000
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_the_database_dependency_runs_in_the_event_loop_rather_than_a_worker_thread() -> None:
    # FastAPI hands a plain function to a thread pool: a thread hop on every request for an attribute lookup
    assert inspect.iscoroutinefunction(service_database)
