"""The marketplace's business figures for the dashboards: listings live, orders by status, premi settled."""

from prometheus_client import Gauge

from services.marketplace.listings.domain import ListingStatus
from services.marketplace.listings.store import LISTINGS
from services.marketplace.orders.domain import OrderStatus
from services.marketplace.orders.store import ORDERS
from services.marketplace.settlement.store import SETTLEMENTS
from shared.storage.database import ServiceDatabase

LISTINGS_LIVE = Gauge("marketplace_listings_live", "Listings published in the catalogue")
ORDERS_BY_STATUS = Gauge("marketplace_orders", "Orders in each status", ["status"])
PREMI_SETTLED = Gauge(
    "marketplace_premi_settled_rupiah", "Premi of every settled sale so far, in rupiah (paid and still pending)"
)


async def measure_figures(database: ServiceDatabase) -> None:
    """A count, a grouped count and a sum: bounded whatever the size of the collections' answers."""
    db = database.db
    LISTINGS_LIVE.set(await db[LISTINGS].count_documents({"status": ListingStatus.PUBLISHED.value}))
    by_status = [{"$group": {"_id": "$status", "n": {"$sum": 1}}}]
    counts = {row["_id"]: row["n"] async for row in await db[ORDERS].aggregate(by_status)}
    for status in OrderStatus:
        ORDERS_BY_STATUS.labels(status.value).set(counts.get(status.value, 0))
    total = [{"$group": {"_id": None, "premi": {"$sum": "$premi"}}}]
    PREMI_SETTLED.set(sum([row["premi"] async for row in await db[SETTLEMENTS].aggregate(total)]))
