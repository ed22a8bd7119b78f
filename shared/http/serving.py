"""A service as its own process: uvicorn (on uvloop and httptools, picked when installed) and a collector tuned."""

import gc

import uvicorn
from fastapi import FastAPI

from shared.settings import ServiceSettings

# Collect the youngest generation every 50,000 allocations rather than 700: a read allocates thousands of
# objects, and the older generations' full passes over the whole heap were the reads' slowest percentile.
COLLECTION_THRESHOLDS = (50_000, 50, 100)


def tune_garbage_collection() -> None:
    """Freeze what exists once the app is built (modules, routes, schemas: never garbage) out of every later
    collection, and collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTION_THRESHOLDS)


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    tune_garbage_collection()
    # the app reads forwarded headers itself, from the proxies the settings trust (shared.http.forwarded)
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        proxy_headers=False,
    )
