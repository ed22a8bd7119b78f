"""The production service: settings and the app, wired by hand."""

from fastapi import FastAPI
from pydantic_settings import SettingsConfigDict

from services.production import api, events, handlers, store
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings


class ProductionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PRODUCTION_")

    service_name: str = "production"
    http_port: int = 8002


def create_app(settings: ProductionSettings | None = None) -> FastAPI:
    settings = settings or ProductionSettings()
    runtime = ServiceRuntime(
        settings,
        publishes=events.PUBLISHES,
        consumes=events.CONSUMES,
        reactions=handlers.REACTIONS,
        indexes=store.INDEXES,
    )
    return create_service_app(
        runtime=runtime,
        routers=[api.router],
        title="Production service",
        description="Records what training produces (inputs, cycles, harvests, batches, lots) and traces "
        "it to programmes and pseudonymous participants.",
    )
