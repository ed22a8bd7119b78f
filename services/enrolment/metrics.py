"""Enrolment's business figures for the dashboards: enrolments in each state (counts only, nothing personal)."""

from prometheus_client import Gauge

from services.enrolment.enrolments.domain import EnrolmentState
from services.enrolment.figures import store as figures_store
from shared.storage.database import ServiceDatabase

ENROLMENTS = Gauge("enrolment_enrolments", "Enrolments in each state", ["state"])


async def measure_figures(database: ServiceDatabase) -> None:
    """One grouped count over the enrolments; every state is set, to zero when none is in it."""
    counts = await database.read(figures_store.counts_by_state)
    for state in EnrolmentState:
        ENROLMENTS.labels(state.value).set(counts.get(state.value, 0))
