"""The marketplace service: settings and the app, wired by hand."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import FastAPI
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.marketplace import events
from services.marketplace.catalogue import api as catalogue_api
from services.marketplace.catalogue.api import CatalogueRates
from services.marketplace.catalogue.handlers import RenderedPages
from services.marketplace.ledgers import api as ledgers_api
from services.marketplace.listings import api as listings_api
from services.marketplace.listings import store as listings_store
from services.marketplace.lots import store as lots_store
from services.marketplace.metrics import measure_figures
from services.marketplace.orders import api as orders_api
from services.marketplace.orders import handlers as orders_handlers
from services.marketplace.orders import store as orders_store
from services.marketplace.photos import api as photos_api
from services.marketplace.photos import store as photos_store
from services.marketplace.programmes import store as programmes_store
from services.marketplace.reactions import REACTIONS
from services.marketplace.settlement import api as settlement_api
from services.marketplace.settlement import store as settlement_store
from services.marketplace.sources import store as sources_store
from services.marketplace.storefront import pages as storefront_pages
from shared.http.app import create_service_app
from shared.metrics import refreshed_every
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.storage import pages
from shared.storage.database import ServiceDatabase
from shared.storage.indexes import merge_indexes
from shared.storage.migrations import Migration

ROUTERS = [
    catalogue_api.router,
    listings_api.router,
    photos_api.router,
    orders_api.router,
    settlement_api.router,
    ledgers_api.router,
    storefront_pages.router,
]

INDEXES = merge_indexes(
    programmes_store.INDEXES,
    lots_store.INDEXES,
    listings_store.INDEXES,
    photos_store.INDEXES,
    orders_store.INDEXES,
    settlement_store.INDEXES,
)


def expiring_holds(settings: "MarketplaceSettings") -> Callable[[ServiceDatabase], Awaitable[None]]:
    """The loop that cancels orders left unpaid past their hold, returning their stock."""

    async def expire_holds(database: ServiceDatabase) -> None:
        while True:
            await orders_handlers.expire_due(database, at=datetime.now(UTC))
            await asyncio.sleep(settings.hold_check_seconds)

    return expire_holds


async def place_listed(database: ServiceDatabase) -> None:
    await pages.place_unpositioned(database, orders_store.LISTED)


MIGRATIONS = [
    Migration("listed records placed", place_listed),
    Migration(
        "listings' amounts and days stored as Decimal128 and midnight UTC", listings_store.store_amounts_and_days
    ),
    Migration("lots' amounts and days stored as Decimal128 and midnight UTC", lots_store.store_amounts_and_days),
    Migration("sources' hours and days stored as Decimal128 and midnight UTC", sources_store.store_amounts_and_days),
    Migration("orders' quantities stored as Decimal128", orders_store.store_amounts),
]


class MarketplaceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MARKETPLACE_")

    service_name: str = "marketplace"
    http_port: int = 8003
    max_request_bytes: int = 2_500_000
    photo_max_bytes: int = 2_000_000
    photo_max_pixels: int = Field(24_000_000, ge=1)  # 96 MiB decoded as RGBA, the most a Pillow mode takes
    photo_decode_concurrency: int = Field(2, ge=1)
    catalogue_rate_anonymous: str = "120/minute"
    catalogue_rate_keyed: str = "1200/minute"
    catalogue_fresh_seconds: float = 0.25
    catalogue_cache_bytes: int = Field(32_000_000, ge=0)
    order_hold_minutes: int = 60
    order_holds_per_key: int = Field(20, ge=1, description="Unpaid orders one key may hold at once")
    order_hold_share_percent: int = Field(
        50, ge=1, le=100, description="Of a listing's stock, what one key may hold unpaid at once"
    )
    hold_check_seconds: float = 5.0
    storefront_page_size: int = 12


def create_app(settings: MarketplaceSettings | None = None) -> FastAPI:
    settings = settings or MarketplaceSettings()
    rendered = RenderedPages(
        fresh_for=settings.catalogue_fresh_seconds, kept_bytes_at_most=settings.catalogue_cache_bytes
    )

    runtime = ServiceRuntime(
        settings,
        publishes=events.PUBLISHES,
        compacted_topics=events.COMPACTED,
        consumes=events.CONSUMES,
        reactions=REACTIONS,
        indexes=INDEXES,
        migrations=MIGRATIONS,
        background=[expiring_holds(settings), refreshed_every(settings.figures_refresh_seconds, measure_figures)],
        on_events_committed=[rendered.changed],
    )
    app = create_service_app(
        runtime=runtime,
        routers=ROUTERS,
        title="Marketplace service",
        description="Lists the UMKM products that training makes, takes orders from buyers and "
        "integrators, and settles proceeds and premi.",
    )
    app.state.rendered_pages = rendered
    app.state.catalogue_rates = CatalogueRates(
        anonymous=settings.catalogue_rate_anonymous, keyed=settings.catalogue_rate_keyed
    )
    return app
