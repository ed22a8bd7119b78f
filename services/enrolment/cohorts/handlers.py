"""Cohort use cases: open, start, change capacity, close; read one and list them."""

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from services.enrolment.callers import EVERYWHERE, Reach
from services.enrolment.cohorts import domain, store
from services.enrolment.cohorts.domain import Cohort
from services.enrolment.enrolments import domain as enrolments
from services.enrolment.enrolments import handlers as enrolment_handlers
from services.enrolment.enrolments import store as enrolment_store
from services.enrolment.enrolments.domain import IN_TRAINING
from services.enrolment.participants.handlers import OutsideFacility
from services.enrolment.programmes import handlers as programme_handlers
from services.enrolment.programmes import store as programme_store
from services.enrolment.references import store as reference_store
from services.enrolment.training import domain as training
from services.enrolment.training.domain import EndReason
from shared.contracts.enrolment import CohortCapacityChanged, CohortClosed, CohortStarted
from shared.messaging.registry import EventData
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


async def start_cohort(database: ServiceDatabase, cohort_id: str, *, on: date, by: str, reach: Reach) -> Cohort:
    """Start the cohort: every approved enrolment becomes active from `on`."""

    async def work(tx: Transaction) -> Cohort:
        started = domain.start(await own_cohort(tx, cohort_id, reach), on=on)
        for enrolment_id in started.approved:
            active, activated = training.activate(await enrolment_store.enrolment(tx, enrolment_id), on=on, by=by)
            await enrolment_store.save_enrolment(tx, active)
            await tx.publish(activated, subject=active.id, sequence=active.version)
        await store.save_cohort(tx, started)
        event = CohortStarted(
            cohort_id=started.id,
            programme_id=started.programme_id,
            started_on=on,
            active_enrolment_ids=list(started.approved),
        )
        await tx.publish(event, subject=started.id, sequence=started.version)
        return started

    return await database.transaction(work)


async def change_capacity(database: ServiceDatabase, cohort_id: str, *, capacity: int, by: str, reach: Reach) -> Cohort:
    """A new capacity, never below the places taken; added places go to the waiting list's head at once."""

    async def work(tx: Transaction) -> Cohort:
        current = await own_cohort(tx, cohort_id, reach)
        places = capacity - len(current.approved)
        clashing = await enrolment_handlers.clashing_waiters(tx, current, places=places)
        changed, promoted_ids = domain.change_capacity(current, capacity, clashing=clashing)
        for promoted_id in promoted_ids:
            await enrolment_handlers.promote(tx, changed, promoted_id, on=datetime.now(UTC).date(), by=by)
        await store.save_cohort(tx, changed)
        event = CohortCapacityChanged(cohort_id=changed.id, programme_id=changed.programme_id, capacity=capacity)
        await tx.publish(event, subject=changed.id, sequence=changed.version)
        return changed

    return await database.transaction(work)


async def close_cohort(database: ServiceDatabase, cohort_id: str, *, on: date, by: str, reach: Reach) -> Cohort:
    """Close the cohort: training not completed ends as not completed; the waiting list is withdrawn."""

    async def work(tx: Transaction) -> Cohort:
        current = await own_cohort(tx, cohort_id, reach)
        withdrawn: set[str] = set()
        for enrolment in await enrolment_store.live_enrolments_in(tx, cohort_id):
            event: EventData
            if enrolment.state in IN_TRAINING:
                ended, event = training.end(enrolment, on=on, reason=EndReason.NOT_COMPLETED, by=by, note=None)
            else:
                ended, _, event, _ = enrolments.withdraw(
                    enrolment, current, by_participant=False, by=by, reason="the cohort closed"
                )
                withdrawn.add(ended.id)
            await tx.publish(event, subject=ended.id, sequence=ended.version)
            await enrolment_store.save_enrolment(tx, ended)
        closed = domain.close(current, on=on, withdrawn=frozenset(withdrawn))
        await store.save_cohort(tx, closed)
        closing = CohortClosed(cohort_id=closed.id, programme_id=closed.programme_id, closed_on=on)
        await tx.publish(closing, subject=closed.id, sequence=closed.version)
        return closed

    return await database.transaction(work)


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
