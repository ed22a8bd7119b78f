"""Enrolment use cases, and every change of a cohort or a participant that moves enrolments: a cohort's start,
new capacity and close, a participant's release or transfer, and leaving a cohort inside another use case (its
place goes to the waiting list). They live here, not in cohorts/ or participants/, because both of those are
what enrolments are made of: the dependency runs one way."""

from datetime import UTC, date, datetime

from services.enrolment.callers import Reach
from services.enrolment.cohorts import domain as cohorts
from services.enrolment.cohorts import handlers as cohort_handlers
from services.enrolment.cohorts import store as cohort_store
from services.enrolment.cohorts.domain import Cohort
from services.enrolment.enrolments import domain, store
from services.enrolment.enrolments.domain import (
    BEFORE_TRAINING,
    IN_TRAINING,
    EndReason,
    Enrolment,
    EnrolmentState,
    Override,
)
from services.enrolment.participants import domain as participants
from services.enrolment.participants import store as participant_store
from services.enrolment.participants.domain import Participant
from services.enrolment.programmes import store as programme_store
from services.enrolment.references import store as reference_store
from shared.errors import Conflict
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


class AlreadyEnrolled(Conflict):
    """A participant holds one live enrolment per cohort."""


async def request_enrolment(
    database: ServiceDatabase,
    *,
    participant_id: str,
    cohort_id: str,
    overrides: list[Override],
    by: str,
    reach: Reach,
) -> Enrolment:
    """Screen and place (or queue, or reject) in one transaction with the cohort, so capacity holds under races."""

    async def work(tx: Transaction) -> Enrolment:
        if await store.live_enrolment_exists(tx, participant_id, cohort_id):
            raise AlreadyEnrolled("The participant is already enrolled in this cohort.", field="participant_id")
        participant = await participant_store.participant(tx, participant_id, facility=reach.facility_id)
        await participant_store.claim_placement(tx, participant_id)
        # only officers and staff request enrolments, and a cohort at another facility is screened (the
        # facility rule names it), not hidden
        cohort = await cohort_store.cohort(tx, cohort_id)
        programme = await programme_store.programme(tx, cohort.programme_id)
        background = await store.background(tx, participant_id)
        enrolment, admitted, event = domain.request_enrolment(
            participant, programme, cohort, background, overrides=overrides, by=by
        )
        await store.save_enrolment(tx, enrolment)
        if admitted.version != cohort.version:
            await cohort_store.save_cohort(tx, admitted)
        await tx.publish(event, subject=enrolment.id, sequence=enrolment.version)
        return await activated_in_started(tx, admitted, enrolment, by=by)

    return await database.transaction(work)


async def activated_in_started(tx: Transaction, cohort: Cohort, enrolment: Enrolment, *, by: str) -> Enrolment:
    """A place taken in a cohort that has started is active at once, as a promotion into one is."""
    if cohort.started_on is None or enrolment.state is not EnrolmentState.APPROVED:
        return enrolment
    active, activated = domain.activate(enrolment, on=max(datetime.now(UTC).date(), cohort.started_on), by=by)
    await tx.publish(activated, subject=active.id, sequence=active.version)
    await store.save_enrolment(tx, active)
    return active


async def withdraw_enrolment(
    database: ServiceDatabase, enrolment_id: str, *, by_participant: bool, reason: str, by: str, reach: Reach
) -> Enrolment:
    """Withdraw, and promote the head of the waiting list into the freed place in the same transaction."""

    async def work(tx: Transaction) -> Enrolment:
        enrolment = await store.enrolment(tx, enrolment_id, reach=reach)
        return await withdraw_in(tx, enrolment, by_participant=by_participant, reason=reason, by=by)

    return await database.transaction(work)


async def enrolment(database: ServiceDatabase, enrolment_id: str, *, reach: Reach) -> Enrolment:
    return await database.read(lambda tx: store.enrolment(tx, enrolment_id, reach=reach))


async def enrolments_page(
    database: ServiceDatabase,
    *,
    reach: Reach,
    cohort_id: str | None,
    participant_id: str | None,
    state: str | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Enrolment]:
    return await store.enrolments_page(
        database, reach=reach, cohort_id=cohort_id, participant_id=participant_id, state=state, after=after, limit=limit
    )


async def clashing_waiters(tx: Transaction, cohort: Cohort, *, places: int) -> frozenset[str]:
    """The waiting enrolments whose participant holds a place in another cohort overlapping this one, checked
    in turn only until `places` waiting enrolments free to take a place are found."""
    clashing: set[str] = set()
    for checked, enrolment_id in enumerate(cohort.waitlist):
        if checked - len(clashing) >= places:  # enough free ones found ahead of this one
            break
        waiting = await store.enrolment(tx, enrolment_id)
        held = (await store.background(tx, waiting.participant_id)).held_cohorts
        if any(other.id != cohort.id and cohorts.overlaps(other, cohort) for other in held):
            clashing.add(enrolment_id)
    return frozenset(clashing)


async def promote(tx: Transaction, cohort: Cohort, promoted_id: str, *, on: date, by: str) -> None:
    """A waiting enrolment takes a place: approved, and active too if the cohort has started."""
    promoted, approved = domain.promote(await store.enrolment(tx, promoted_id), by=by)
    await participant_store.claim_placement(tx, promoted.participant_id)
    await tx.publish(approved, subject=promoted.id, sequence=promoted.version)
    await store.save_enrolment(tx, promoted)
    if cohort.started_on is not None:
        active, activated = domain.activate(promoted, on=on, by=by)
        await tx.publish(activated, subject=active.id, sequence=active.version)
        await store.save_enrolment(tx, active)


async def fill_freed_place(tx: Transaction, cohort: Cohort, promoted_id: str | None, *, on: date, by: str) -> None:
    """Save the cohort, and promote whoever the freed place went to."""
    if promoted_id is not None:
        await promote(tx, cohort, promoted_id, on=on, by=by)
    await cohort_store.save_cohort(tx, cohort)


async def withdraw_in(
    tx: Transaction, enrolment: Enrolment, *, by_participant: bool, reason: str, by: str
) -> Enrolment:
    """Withdraw inside the caller's transaction; the freed place goes to the waiting list at once."""
    cohort = await cohort_store.cohort(tx, enrolment.cohort_id)
    withdrawn, cohort, event, promoted_id = domain.withdraw(
        enrolment,
        cohort,
        by_participant=by_participant,
        by=by,
        reason=reason,
        clashing=await clashing_waiters(tx, cohort, places=cohort.places_left + 1),
    )
    await tx.publish(event, subject=withdrawn.id, sequence=withdrawn.version)
    await fill_freed_place(tx, cohort, promoted_id, on=datetime.now(UTC).date(), by=by)
    await store.save_enrolment(tx, withdrawn)
    return withdrawn


async def end_in(
    tx: Transaction, enrolment: Enrolment, *, on: date, reason: EndReason, by: str, note: str | None
) -> Enrolment:
    """End training inside the caller's transaction; the freed place goes to the waiting list at once."""
    ended, event = domain.end(enrolment, on=on, reason=reason, by=by, note=note)
    await tx.publish(event, subject=ended.id, sequence=ended.version)
    cohort = await cohort_store.cohort(tx, enrolment.cohort_id)
    clashing = await clashing_waiters(tx, cohort, places=cohort.places_left + 1)
    cohort, promoted_id = cohorts.release_place(cohort, enrolment.id, clashing=clashing)
    await fill_freed_place(tx, cohort, promoted_id, on=on, by=by)
    await store.save_enrolment(tx, ended)
    return ended


async def leave_custody(tx: Transaction, participant_id: str, *, reason: EndReason, on: date, by: str) -> None:
    """A released or transferred participant leaves every cohort: training ends, places and queues are given up."""
    for enrolment in await store.live_enrolments(tx, participant_id):
        if enrolment.state in IN_TRAINING:
            await end_in(tx, enrolment, on=on, reason=reason, by=by, note=None)
        elif enrolment.state in BEFORE_TRAINING:
            await withdraw_in(tx, enrolment, by_participant=False, reason=reason.value, by=by)


async def start_cohort(database: ServiceDatabase, cohort_id: str, *, on: date, by: str, reach: Reach) -> Cohort:
    """Start the cohort: every approved enrolment becomes active from `on`."""

    async def work(tx: Transaction) -> Cohort:
        started, event = cohorts.start(await cohort_handlers.own_cohort(tx, cohort_id, reach), on=on)
        for enrolment_id in started.approved:
            active, activated = domain.activate(await store.enrolment(tx, enrolment_id), on=on, by=by)
            await store.save_enrolment(tx, active)
            await tx.publish(activated, subject=active.id, sequence=active.version)
        await cohort_store.save_cohort(tx, started)
        await tx.publish(event, subject=started.id, sequence=started.version)
        return started

    return await database.transaction(work)


async def change_capacity(database: ServiceDatabase, cohort_id: str, *, capacity: int, by: str, reach: Reach) -> Cohort:
    """A new capacity, never below the places taken; added places go to the waiting list's head at once."""

    async def work(tx: Transaction) -> Cohort:
        current = await cohort_handlers.own_cohort(tx, cohort_id, reach)
        places = capacity - len(current.approved)
        clashing = await clashing_waiters(tx, current, places=places)
        changed, promoted_ids, event = cohorts.change_capacity(current, capacity, clashing=clashing)
        for promoted_id in promoted_ids:
            await promote(tx, changed, promoted_id, on=datetime.now(UTC).date(), by=by)
        await cohort_store.save_cohort(tx, changed)
        await tx.publish(event, subject=changed.id, sequence=changed.version)
        return changed

    return await database.transaction(work)


async def close_cohort(database: ServiceDatabase, cohort_id: str, *, on: date, by: str, reach: Reach) -> Cohort:
    """Close the cohort: training not completed ends as not completed; the waiting list is withdrawn."""

    async def work(tx: Transaction) -> Cohort:
        current = await cohort_handlers.own_cohort(tx, cohort_id, reach)
        live = await store.live_enrolments_in(tx, cohort_id)
        closed, closing, left = domain.close_cohort(current, live, on=on, by=by)
        for enrolment, event in left:
            await tx.publish(event, subject=enrolment.id, sequence=enrolment.version)
            await store.save_enrolment(tx, enrolment)
        await cohort_store.save_cohort(tx, closed)
        await tx.publish(closing, subject=closed.id, sequence=closed.version)
        return closed

    return await database.transaction(work)


async def release_participant(
    database: ServiceDatabase, participant_id: str, *, released_on: date, facility: str | None, by: str
) -> Participant:
    """Release from custody: every enrolment ends or is given up, in the same transaction."""

    async def work(tx: Transaction) -> Participant:
        released, event = participants.release(
            await participant_store.participant(tx, participant_id, facility=facility), released_on=released_on
        )
        await participant_store.save_participant(tx, released)
        await tx.publish(event, subject=released.id, sequence=released.version)
        await leave_custody(tx, participant_id, reason=EndReason.RELEASED, on=released_on, by=by)
        return released

    return await database.transaction(work)


async def transfer_participant(
    database: ServiceDatabase,
    participant_id: str,
    *,
    to_facility_id: str,
    transferred_on: date,
    facility: str | None,
    by: str,
) -> Participant:
    """Transfer to another facility: every enrolment here ends or is given up, in the same transaction."""

    async def work(tx: Transaction) -> Participant:
        await reference_store.ensure_facility(tx, to_facility_id, field="to_facility_id")
        moved, event = participants.transfer(
            await participant_store.participant(tx, participant_id, facility=facility),
            to_facility_id=to_facility_id,
            transferred_on=transferred_on,
        )
        await participant_store.save_participant(tx, moved)
        await tx.publish(event, subject=moved.id, sequence=moved.version)
        await leave_custody(tx, participant_id, reason=EndReason.TRANSFERRED, on=transferred_on, by=by)
        return moved

    return await database.transaction(work)
