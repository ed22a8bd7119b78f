"""Who may be credited: reads of the enrolments learnt, and the reactions that learn them."""

from datetime import date

from services.production.enrolments import domain, store
from services.production.enrolments.domain import EnrolmentRecord, FacilityBeyondReach, Standing
from shared.contracts.enrolment import CohortOpened
from shared.messaging.envelope import Envelope
from shared.storage.database import ServiceDatabase, Transaction


async def known_enrolments(
    database: ServiceDatabase, participant_id: str, *, reach: str | None
) -> list[tuple[EnrolmentRecord, str | None]]:
    """The participant's enrolments, each with its cohort's facility once the cohort is known; within `reach`
    (None: every facility) only those in cohorts known to be at that facility."""

    async def work(tx: Transaction) -> list[tuple[EnrolmentRecord, str | None]]:
        records = await store.enrolments_of(tx, participant_id)
        facilities = await store.cohort_facilities(tx, [record.cohort_id for record in records])
        known = [(record, facilities.get(record.cohort_id)) for record in records]
        return [(record, facility) for record, facility in known if reach in (None, facility)]

    return await database.transaction(work)


async def standing_of(
    database: ServiceDatabase,
    participant_id: str,
    *,
    reach: str | None,
    programme_id: str,
    on: date,
    facility_id: str | None,
) -> Standing:
    """The standing (at `facility_id`, if given); a caller reaching one facility is answered for it alone."""
    if reach is not None:
        if facility_id not in (None, reach):
            raise FacilityBeyondReach(f"No facility {facility_id} within the caller's reach.", field="facility_id")
        facility_id = reach

    async def work(tx: Transaction) -> Standing:
        return await standing(tx, participant_id, programme_id=programme_id, on=on, facility_id=facility_id)

    return await database.transaction(work)


async def standing(
    tx: Transaction, participant_id: str, *, programme_id: str, on: date, facility_id: str | None
) -> Standing:
    """May the participant be credited in the programme on `on` (at `facility_id` if given): through which
    cohort, or why not."""
    records = await store.enrolments_of(tx, participant_id)
    return domain.standing(
        records,
        programme_id=programme_id,
        day=on,
        facility_id=facility_id,
        cohort_facilities=await store.cohort_facilities(tx, [record.cohort_id for record in records]),
    )


async def learn_enrolment(tx: Transaction, envelope: Envelope, payload: domain.EnrolmentEvent) -> None:
    """Keep the enrolment's dated fact at the event's sequence; late or repeated events are harmless."""
    known, version = await store.enrolment(tx, payload.enrolment_id)
    learnt = domain.learn(known, payload, sequence=envelope.sequence)
    if learnt != known:
        await store.save_enrolment(tx, learnt, read_at=version)


async def learn_cohort(tx: Transaction, envelope: Envelope, payload: CohortOpened) -> None:
    await store.save_cohort(tx, payload)
