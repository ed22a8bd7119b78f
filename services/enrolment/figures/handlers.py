"""Aggregate figures for partner agencies and the directorate: counts only, never a name or a NIK."""

from dataclasses import dataclass

from services.enrolment.enrolments import store as enrolments_store
from services.enrolment.participants import store
from shared.database import ServiceDatabase, Transaction

ENROLLED = ("approved", "active", "suspended", "completed", "ended")


@dataclass(frozen=True)
class Figures:
    """`completion_rate` is completed over enrolments that finished (completed or ended); None before any did."""

    programme_id: str
    enrolled: int
    in_training: int
    completed: int
    ended: int
    waitlisted: int

    @property
    def completion_rate(self) -> float | None:
        finished = self.completed + self.ended
        return self.completed / finished if finished else None


def from_counts(programme_id: str, counts: dict[str, int]) -> Figures:
    return Figures(
        programme_id=programme_id,
        enrolled=sum(counts.get(state, 0) for state in ENROLLED),
        in_training=counts.get("active", 0) + counts.get("suspended", 0),
        completed=counts.get("completed", 0),
        ended=counts.get("ended", 0),
        waitlisted=counts.get("waitlisted", 0),
    )


async def counts_by_programme(tx: Transaction, match: dict[str, object]) -> dict[str, dict[str, int]]:
    pipeline = [{"$match": match}, {"$group": {"_id": {"p": "$programme_id", "s": "$state"}, "n": {"$sum": 1}}}]
    counts: dict[str, dict[str, int]] = {}
    async for row in await tx.db[enrolments_store.ENROLMENTS].aggregate(pipeline, session=tx.session):
        counts.setdefault(row["_id"]["p"], {})[row["_id"]["s"]] = row["n"]
    return counts


async def programme_figures(database: ServiceDatabase, programme_id: str, *, agency: str | None) -> Figures:
    """One programme's figures; an agency's key reads its own programmes only."""

    async def work(tx: Transaction) -> Figures:
        programme = await store.programme(tx, programme_id)
        if agency is not None and programme.agency_id != agency:
            raise store.ProgrammeNotFound(f"No programme {programme_id}.", field="programme_id")
        counts = await counts_by_programme(tx, {"programme_id": programme_id})
        return from_counts(programme_id, counts.get(programme_id, {}))

    return await database.transaction(work)


async def all_figures(database: ServiceDatabase, *, facility_id: str | None) -> list[Figures]:
    """Every programme's figures, across facilities or for one (by its cohorts)."""

    async def work(tx: Transaction) -> list[Figures]:
        match: dict[str, object] = {}
        if facility_id is not None:
            cohorts = await tx.db[store.COHORTS].distinct("_id", {"facility_id": facility_id}, session=tx.session)
            match["cohort_id"] = {"$in": cohorts}
        counts = await counts_by_programme(tx, match)
        return [from_counts(programme_id, by_state) for programme_id, by_state in sorted(counts.items())]

    return await database.transaction(work)
