"""Cohort use cases: open one, find the one a key changes; read one and list them. Starting, resizing and
closing a cohort move its enrolments, so they are enrolments' use cases (enrolments/handlers.py)."""

from dataclasses import replace
from typing import Any

from services.enrolment.callers import EVERYWHERE, Reach
from services.enrolment.cohorts import domain, store
from services.enrolment.cohorts.domain import Cohort
from services.enrolment.participants.handlers import OutsideFacility
from services.enrolment.programmes import handlers as programme_handlers
from services.enrolment.programmes import store as programme_store
from services.enrolment.references import store as reference_store
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


async def open_cohort(database: ServiceDatabase, *, programme_id: str, reach: Reach, **details: Any) -> Cohort:
    """Open a cohort of a published programme; an agency opens cohorts of its own programmes only, an officer
    cohorts at their own facility only."""
    if reach.facility_id not in (None, details["facility_id"]):
        raise OutsideFacility(f"The key is for facility {reach.facility_id}.", field="facility_id")

    async def work(tx: Transaction) -> Cohort:
        programme = await programme_store.programme(tx, programme_id)
        programme_handlers.ensure_own(programme.agency_id, reach.agency_id)
        await reference_store.ensure_facility(tx, details["facility_id"])
        cohort, event = domain.open_cohort(programme, **details)
        await store.save_cohort(tx, cohort)
        await tx.publish(event, subject=cohort.id, sequence=cohort.version)
        return cohort

    return await database.transaction(work)


async def own_cohort(tx: Transaction, cohort_id: str, reach: Reach) -> Cohort:
    """The cohort a key changes: one at another facility or that its trainer does not train is not found
    (as for reads), one of another agency's programme is refused (as for programmes)."""
    cohort = await store.cohort(tx, cohort_id, reach=replace(reach, agency_id=None))
    programme_handlers.ensure_own(cohort.agency_id, reach.agency_id)
    return cohort


async def cohort(database: ServiceDatabase, cohort_id: str, *, reach: Reach = EVERYWHERE) -> Cohort:
    return await database.read(lambda tx: store.cohort(tx, cohort_id, reach=reach))


async def cohorts_page(
    database: ServiceDatabase,
    *,
    reach: Reach,
    programme_id: str | None,
    facility_id: str | None,
    agency_id: str | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Cohort]:
    return await store.cohorts_page(
        database,
        reach=reach,
        programme_id=programme_id,
        facility_id=facility_id,
        agency_id=agency_id,
        after=after,
        limit=limit,
    )
