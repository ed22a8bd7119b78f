"""The app factory every service uses: health, metrics, problem+json errors, request ids, JSON logs."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared import idempotency
from shared.api_keys import RecentCallers
from shared.database import ServiceDatabase
from shared.events.catalogue import published_page
from shared.idempotency import Idempotency
from shared.logs import configure_json_logs
from shared.middleware import BodyLimit, RequestContext
from shared.problems import install_problem_handlers
from shared.runtime import ServiceRuntime

health = APIRouter(tags=["operations"])


async def service_database(request: Request) -> ServiceDatabase:
    # async, so that FastAPI calls it in the event loop rather than handing it to a worker thread
    database: ServiceDatabase = request.app.state.runtime.database
    return database


DatabaseDep = Annotated[ServiceDatabase, Depends(service_database)]


@health.get("/health/live", summary="The process is up")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@health.get(
    "/health/ready",
    summary="MongoDB and Kafka reachable, consumer making progress",
    responses={503: {"description": "A dependency is down or the consumer has stalled"}},
)
async def ready(request: Request) -> JSONResponse:
    checks = await request.app.state.runtime.readiness()
    healthy = all(state == "ok" for state in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status_code=200 if healthy else 503
    )


@health.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def prometheus_metrics(request: Request) -> Response:
    await request.app.state.runtime.readiness()  # so readiness_check_ok is as fresh as the scrape
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@health.get("/events/catalogue", include_in_schema=False, response_class=HTMLResponse)
async def event_catalogue() -> HTMLResponse:
    """Every topic and event contract, rendered from docs/events/asyncapi.yaml by `python -m shared.events`."""
    return HTMLResponse(published_page())


def create_service_app(
    *, runtime: ServiceRuntime, routers: list[APIRouter], title: str, description: str, **fastapi_options: Any
) -> FastAPI:
    """A FastAPI app whose lifespan starts and stops the service runtime."""
    settings = runtime.settings
    configure_json_logs(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan, **fastapi_options)
    app.state.runtime = runtime
    app.state.recent_callers = RecentCallers()
    install_problem_handlers(app)
    app.include_router(health)
    for router in routers:
        app.include_router(router)
    idempotency.document_header(app)
    runtime.before_committing_events.append(idempotency.claim_in)
    runtime.add_indexes(idempotency.INDEXES)
    app.add_middleware(Idempotency)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(RequestContext, service=settings.service_name)
    return app
