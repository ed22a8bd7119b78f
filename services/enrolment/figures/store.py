"""The counts figures are made of: enrolments by programme and state, read from the enrolments collection."""

from services.enrolment.cohorts.store import COHORTS
from services.enrolment.enrolments.store import ENROLMENTS
from shared.storage.database import Transaction


async def counts_by_programme(tx: Transaction, match: dict[str, object]) -> dict[str, dict[str, int]]:
    """For each programme with enrolments matching `match`, how many are in each state."""
    pipeline = [{"$match": match}, {"$group": {"_id": {"p": "$programme_id", "s": "$state"}, "n": {"$sum": 1}}}]
    counts: dict[str, dict[str, int]] = {}
    async for row in await tx.db[ENROLMENTS].aggregate(pipeline, session=tx.session):
        counts.setdefault(row["_id"]["p"], {})[row["_id"]["s"]] = row["n"]
    return counts


async def counts_at_facility(tx: Transaction, facility_id: str | None) -> dict[str, dict[str, int]]:
    """Counts by programme across facilities, or of one facility's cohorts."""
    match: dict[str, object] = {}
    if facility_id is not None:
        cohorts = await tx.db[COHORTS].distinct("_id", {"facility_id": facility_id}, session=tx.session)
        match["cohort_id"] = {"$in": cohorts}
    return await counts_by_programme(tx, match)


async def counts_by_state(tx: Transaction) -> dict[str, int]:
    """How many enrolments are in each state, across the platform (for the metrics)."""
    pipeline = [{"$group": {"_id": "$state", "n": {"$sum": 1}}}]
    return {row["_id"]: row["n"] async for row in await tx.db[ENROLMENTS].aggregate(pipeline, session=tx.session)}
