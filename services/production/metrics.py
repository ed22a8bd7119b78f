"""Production's business figures for the dashboards: the mass harvested this calendar month, in kg."""

from datetime import UTC, datetime

from prometheus_client import Gauge

from services.production.figures import store as figures_store
from services.production.figures.domain import Period, tally
from shared.storage.database import ServiceDatabase, Transaction

KG_THIS_MONTH = Gauge(
    "production_harvested_this_month_kilograms", "Mass harvested since the first of this month (UTC), in kg"
)


async def measure_figures(database: ServiceDatabase) -> None:
    """The month's harvests, tallied exactly as the figures tally them (count-like units are not mass)."""
    today = datetime.now(UTC).date()

    async def harvested(tx: Transaction) -> float:
        harvests = await figures_store.harvests(tx, {}, Period(start=today.replace(day=1)))
        return float(tally(harvest.quantity for harvest in harvests).kg)

    KG_THIS_MONTH.set(await database.read(harvested))
