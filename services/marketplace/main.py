"""The marketplace service: settings and the app, wired by hand."""

from fastapi import FastAPI
from pydantic_settings import SettingsConfigDict

from services.marketplace import events, reactions
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings


class MarketplaceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MARKETPLACE_")

    service_name: str = "marketplace"
    http_port: int = 8003


def create_app(settings: MarketplaceSettings | None = None) -> FastAPI:
    settings = settings or MarketplaceSettings()
    runtime = ServiceRuntime(
        settings,
        publishes=events.PUBLISHES,
        consumes=events.CONSUMES,
        reactions=reactions.REACTIONS,
        indexes={},
    )
    return create_service_app(
        runtime=runtime,
        routers=[],
        title="Marketplace service",
        description="Lists the UMKM products that training makes, takes orders from buyers and "
        "integrators, and settles proceeds and premi.",
    )
