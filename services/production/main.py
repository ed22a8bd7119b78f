"""The production service: settings and the app, wired by hand."""

from fastapi import FastAPI
from pydantic_settings import SettingsConfigDict

from services.production import events
from services.production.batches import api as batches_api
from services.production.batches import store as batches_store
from services.production.cycles import api as cycles_api
from services.production.cycles import store as cycles_store
from services.production.enrolments import api as enrolments_api
from services.production.enrolments import store as enrolments_store
from services.production.figures import api as figures_api
from services.production.harvests import api as harvests_api
from services.production.harvests import store as harvests_store
from services.production.inputs import api as inputs_api
from services.production.inputs import store as inputs_store
from services.production.lots import api as lots_api
from services.production.lots import store as lots_store
from services.production.metrics import measure_figures
from services.production.participants import store as participants_store
from services.production.programmes import store as programmes_store
from services.production.reactions import REACTIONS
from services.production.sites import api as sites_api
from services.production.sites import store as sites_store
from shared.http.app import create_service_app
from shared.metrics import refreshed_every
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.storage import pages
from shared.storage.database import ServiceDatabase
from shared.storage.indexes import merge_indexes
from shared.storage.migrations import Migration

ROUTERS = [
    sites_api.router,
    inputs_api.router,
    cycles_api.router,
    enrolments_api.router,
    harvests_api.router,
    batches_api.router,
    lots_api.router,
    figures_api.router,
]

INDEXES = merge_indexes(
    participants_store.INDEXES,
    enrolments_store.INDEXES,
    programmes_store.INDEXES,
    sites_store.INDEXES,
    inputs_store.INDEXES,
    cycles_store.INDEXES,
    harvests_store.INDEXES,
    batches_store.INDEXES,
    lots_store.INDEXES,
)


LISTED = (
    sites_store.LISTED,
    inputs_store.LISTED,
    cycles_store.LISTED,
    harvests_store.LISTED,
    batches_store.LISTED,
    lots_store.LISTED,
)


async def place_listed(database: ServiceDatabase) -> None:
    await pages.place_unpositioned(database, *LISTED)


MIGRATIONS = [Migration("listed records placed", place_listed)]


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
        reactions=REACTIONS,
        indexes=INDEXES,
        migrations=MIGRATIONS,
        background=[refreshed_every(settings.figures_refresh_seconds, measure_figures)],
    )
    return create_service_app(
        runtime=runtime,
        routers=ROUTERS,
        title="Production service",
        description="Records what training produces (inputs, cycles, harvests, batches, lots) and traces "
        "it to programmes and pseudonymous participants.",
    )
