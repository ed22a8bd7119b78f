"""The marketplace service: settings and the app, wired by hand."""

from fastapi import FastAPI
from pydantic_settings import SettingsConfigDict

from services.marketplace import events
from services.marketplace.listings import api as listings_api
from services.marketplace.listings import catalogue_api
from services.marketplace.listings import store as listings_store
from services.marketplace.listings.rates import CatalogueRates
from services.marketplace.lots import store as lots_store
from services.marketplace.photos import api as photos_api
from services.marketplace.photos import store as photos_store
from services.marketplace.programmes import store as programmes_store
from services.marketplace.reactions import REACTIONS
from shared.database import merge_indexes
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings

ROUTERS = [catalogue_api.router, listings_api.router, photos_api.router]

INDEXES = merge_indexes(
    programmes_store.INDEXES,
    lots_store.INDEXES,
    listings_store.INDEXES,
    photos_store.INDEXES,
)


class MarketplaceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MARKETPLACE_")

    service_name: str = "marketplace"
    http_port: int = 8003
    max_request_bytes: int = 2_500_000
    photo_max_bytes: int = 2_000_000
    catalogue_rate_anonymous: str = "120/minute"
    catalogue_rate_keyed: str = "1200/minute"


def create_app(settings: MarketplaceSettings | None = None) -> FastAPI:
    settings = settings or MarketplaceSettings()
    runtime = ServiceRuntime(
        settings,
        publishes=events.PUBLISHES,
        compacted_topics=events.COMPACTED,
        consumes=events.CONSUMES,
        reactions=REACTIONS,
        indexes=INDEXES,
    )
    app = create_service_app(
        runtime=runtime,
        routers=ROUTERS,
        title="Marketplace service",
        description="Lists the UMKM products that training makes, takes orders from buyers and "
        "integrators, and settles proceeds and premi.",
    )
    app.state.catalogue_rates = CatalogueRates(
        anonymous=settings.catalogue_rate_anonymous, keyed=settings.catalogue_rate_keyed
    )
    return app
