"""Cohort use cases: open, start, change capacity, close."""

from datetime import date
from typing import Any

from services.enrolment import cohorts, store, training
from services.enrolment.cohorts import Cohort
from services.enrolment.handlers import read
from shared.database import ServiceDatabase, Transaction
from shared.events.enrolment import CohortStarted


async def open_cohort(database: ServiceDatabase, *, programme_id: str, **details: Any) -> Cohort:
    async def work(tx: Transaction) -> Cohort:
        cohort, event = cohorts.open_cohort(await store.programme(tx, programme_id), **details)
        await store.save(tx, store.COHORTS, store.cohort_document(cohort))
        await tx.publish(event, subject=cohort.id, sequence=cohort.version)
        return cohort

    return await database.transaction(work)


async def start_cohort(database: ServiceDatabase, cohort_id: str, *, on: date, by: str) -> Cohort:
    """Start the cohort: every approved enrolment becomes active from `on`."""

    async def work(tx: Transaction) -> Cohort:
        started = cohorts.start(await store.cohort(tx, cohort_id), on=on)
        for enrolment_id in started.approved:
            active, activated = training.activate(await store.enrolment(tx, enrolment_id), on=on, by=by)
            await store.save(tx, store.ENROLMENTS, store.enrolment_document(active))
            await tx.publish(activated, subject=active.id, sequence=active.version)
        await store.save(tx, store.COHORTS, store.cohort_document(started))
        event = CohortStarted(
            cohort_id=started.id,
            programme_id=started.programme_id,
            started_on=on,
            active_enrolment_ids=list(started.approved),
        )
        await tx.publish(event, subject=started.id, sequence=started.version)
        return started

    return await database.transaction(work)


async def cohort(database: ServiceDatabase, cohort_id: str) -> Cohort:
    return await read(database, store.cohort, cohort_id)
