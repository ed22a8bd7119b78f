"""The console: settings and the app, wired by hand. People's pages over the four services' public APIs, with each
person's own token; it owns no domain data, publishes no events, and keeps only sessions in its own database."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from types import ModuleType

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict
from starlette.exceptions import HTTPException

from services.console.clients.upstream import SERVICES, ServiceProblem, TokenRejected, Upstream
from services.console.forms.pages import on_service_problem, on_unknown_page
from services.console.home import pages as home_pages
from services.console.participants import pages as participants_pages
from services.console.runtime import ConsoleRuntime
from services.console.sessions import pages as sessions_pages
from services.console.sessions import store as sessions_store
from services.console.sessions.domain import Lifetimes
from services.console.sessions.issuer import Issuer, IssuerUnavailable
from services.console.views.headers import SecurityHeaders
from services.console.views.languages import Catalogues
from services.console.views.rendering import Templates
from shared.http.app import health
from shared.http.forwarded import ForwardedClient
from shared.http.logs import configure_json_logs
from shared.http.middleware import BodyLimit, RequestContext
from shared.settings import ServiceSettings, platform_wide, trusted_networks

AREAS: list[ModuleType] = [home_pages, participants_pages]
"""Every area's pages module: its `router`, its `templates/` (prefixed by the package's name) and its `navigation`
entries, shown in this order."""


class ConsoleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSOLE_")

    service_name: str = "console"
    http_port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"
    """Where people reach the console: the sign-in's redirect URI, and Secure cookies when it is https."""
    enrolment_url: str = Field("http://127.0.0.1:8001", validation_alias=platform_wide("ENROLMENT_URL"))
    production_url: str = Field("http://127.0.0.1:8002", validation_alias=platform_wide("PRODUCTION_URL"))
    marketplace_url: str = Field("http://127.0.0.1:8003", validation_alias=platform_wide("MARKETPLACE_URL"))
    notifications_url: str = Field("http://127.0.0.1:8004", validation_alias=platform_wide("NOTIFICATIONS_URL"))
    upstream_timeout_seconds: float = Field(10.0, gt=0)
    oidc_client_id: str = "console"
    oidc_client_secret: SecretStr
    """The console client's secret at the issuer (the demo realm's: `demo-console-secret`); no default."""
    session_idle_minutes: float = Field(30.0, gt=0)
    session_absolute_hours: float = Field(10.0, gt=0)
    token_refresh_margin_seconds: float = Field(60.0, ge=0)
    """An access token that expires sooner than this is refreshed before a page uses it."""
    sign_in_minutes: float = Field(10.0, gt=0)
    """How long a sign-in started here may take at the issuer."""


def runtime_of(settings: ConsoleSettings) -> ConsoleRuntime:
    urls = {name: getattr(settings, f"{name}_url") for name in SERVICES}
    issuer = Issuer(
        issuer_url=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value(),
        redirect_uri=settings.public_base_url.rstrip("/") + sessions_pages.CALLBACK,
        timeout_seconds=settings.upstream_timeout_seconds,
    )
    lifetimes = Lifetimes(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
        refresh_margin=timedelta(seconds=settings.token_refresh_margin_seconds),
    )
    return ConsoleRuntime(
        settings,
        upstream=Upstream(urls, timeout_seconds=settings.upstream_timeout_seconds),
        issuer=issuer,
        lifetimes=lifetimes,
        sign_in_time=timedelta(minutes=settings.sign_in_minutes),
        indexes=sessions_store.INDEXES,
    )


def create_app(settings: ConsoleSettings | None = None) -> FastAPI:
    settings = settings or ConsoleSettings()  # the secret comes from the environment (CONSOLE_OIDC_CLIENT_SECRET)
    configure_json_logs(settings.service_name, settings.log_level)
    runtime = runtime_of(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title="Console", version="1.0.0", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = runtime
    app.state.templates = Templates(
        {area.__name__.rsplit(".", 2)[-2]: area.__name__.rsplit(".", 1)[0] for area in AREAS},
        Catalogues(),
        [entry for area in AREAS for entry in area.navigation],
    )
    app.include_router(health)
    app.include_router(sessions_pages.router)
    for area in AREAS:
        app.include_router(area.router)
    app.mount("/static", StaticFiles(packages=[("services.console.views", "static")]), name="static")
    app.add_exception_handler(sessions_pages.SignInRequired, sessions_pages.to_sign_in)
    app.add_exception_handler(sessions_pages.CsrfRefused, sessions_pages.refused_without_token)
    app.add_exception_handler(TokenRejected, sessions_pages.sign_in_again)
    app.add_exception_handler(IssuerUnavailable, sessions_pages.issuer_unavailable)
    app.add_exception_handler(ServiceProblem, on_service_problem)
    app.add_exception_handler(HTTPException, on_unknown_page)
    app.add_middleware(SecurityHeaders, issuer_url=settings.oidc_issuer)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(RequestContext, service=settings.service_name)
    trusted = trusted_networks(settings.trusted_proxies)
    app.add_middleware(ForwardedClient, trusted=trusted, header=settings.forwarded_header)
    return app
