"""Reading figures: one programme's for its agency, every programme's for the directorate."""

from services.enrolment.figures import domain, store
from services.enrolment.figures.domain import Figures
from services.enrolment.programmes import store as programme_store
from shared.storage.database import ServiceDatabase, Transaction


async def programme_figures(database: ServiceDatabase, programme_id: str, *, agency: str | None) -> Figures:
    """One programme's figures; an agency's key reads its own programmes only."""

    async def work(tx: Transaction) -> Figures:
        programme = await programme_store.programme(tx, programme_id)
        if agency is not None and programme.agency_id != agency:
            raise programme_store.ProgrammeNotFound(f"No programme {programme_id}.", field="programme_id")
        counts = await store.counts_by_programme(tx, {"programme_id": programme_id})
        return domain.from_counts(programme_id, counts.get(programme_id, {}))

    return await database.transaction(work)


async def all_figures(database: ServiceDatabase, *, facility_id: str | None, everywhere: bool) -> list[Figures]:
    """Every programme's figures, across facilities or for one (by its cohorts), for a caller reaching every
    facility and agency (platform staff); none for any other (no attribute is never "everything")."""
    if not everywhere:
        return []

    async def work(tx: Transaction) -> list[Figures]:
        counts = await store.counts_at_facility(tx, facility_id)
        return [domain.from_counts(programme_id, by_state) for programme_id, by_state in sorted(counts.items())]

    return await database.transaction(work)
