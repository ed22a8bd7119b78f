"""The marketplace's business figures for the dashboards: listings live, orders by status, premi settled."""

from prometheus_client import Gauge

from services.marketplace.listings import store as listings
from services.marketplace.orders import store as orders
from services.marketplace.orders.domain import OrderStatus
from services.marketplace.settlement import store as settlements
from shared.storage.database import ServiceDatabase

LISTINGS_LIVE = Gauge("marketplace_listings_live", "Listings published in the catalogue")
ORDERS_BY_STATUS = Gauge("marketplace_orders", "Orders in each status", ["status"])
PREMI_SETTLED = Gauge(
    "marketplace_premi_settled_rupiah", "Premi of every settled sale so far, in rupiah (paid and still pending)"
)


async def measure_figures(database: ServiceDatabase) -> None:
    """A count, a grouped count and a sum: bounded whatever the size of the collections' answers."""
    LISTINGS_LIVE.set(await listings.published_count(database))
    counts = await orders.counts_by_status(database)
    for status in OrderStatus:
        ORDERS_BY_STATUS.labels(status.value).set(counts.get(status.value, 0))
    PREMI_SETTLED.set(await settlements.premi_settled(database))
