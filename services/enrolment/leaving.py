"""Leaving a cohort, inside a use case's transaction: withdrawal, the end of training, release from custody.
Each frees its place for the head of the waiting list at once."""

from datetime import UTC, date, datetime

from services.enrolment.cohorts import domain as cohorts
from services.enrolment.cohorts.domain import Cohort
from services.enrolment.enrolments import domain as enrolments
from services.enrolment.enrolments import store as enrolments_store
from services.enrolment.enrolments.domain import Enrolment, EnrolmentState
from services.enrolment.participants import store
from services.enrolment.training import domain as training
from services.enrolment.training.domain import EndReason
from shared.database import Transaction

BEFORE_TRAINING = (EnrolmentState.APPROVED, EnrolmentState.WAITLISTED)
IN_TRAINING = (EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED)


async def saved(tx: Transaction, enrolment: Enrolment) -> Enrolment:
    await store.save(tx, enrolments_store.ENROLMENTS, enrolments_store.enrolment_document(enrolment))
    return enrolment


async def clashing_waiters(tx: Transaction, cohort: Cohort, *, places: int) -> frozenset[str]:
    """The waiting enrolments whose participant holds a place in another cohort overlapping this one, checked
    in turn only until `places` waiting enrolments free to take a place are found."""
    clashing: set[str] = set()
    for checked, enrolment_id in enumerate(cohort.waitlist):
        if checked - len(clashing) >= places:  # enough free ones found ahead of this one
            break
        waiting = await enrolments_store.enrolment(tx, enrolment_id)
        held = (await enrolments_store.background(tx, waiting.participant_id)).held_cohorts
        if any(other.id != cohort.id and cohorts.overlaps(other, cohort) for other in held):
            clashing.add(enrolment_id)
    return frozenset(clashing)


async def promote(tx: Transaction, cohort: Cohort, promoted_id: str, *, on: date, by: str) -> None:
    """A waiting enrolment takes a place: approved, and active too if the cohort has started."""
    promoted, approved = enrolments.promote(await enrolments_store.enrolment(tx, promoted_id), by=by)
    await store.claim_placement(tx, promoted.participant_id)
    await tx.publish(approved, subject=promoted.id, sequence=promoted.version)
    await saved(tx, promoted)
    if cohort.started_on is not None:
        active, activated = training.activate(promoted, on=on, by=by)
        await tx.publish(activated, subject=active.id, sequence=active.version)
        await saved(tx, active)


async def fill_freed_place(tx: Transaction, cohort: Cohort, promoted_id: str | None, *, on: date, by: str) -> None:
    """Save the cohort, and promote whoever the freed place went to."""
    if promoted_id is not None:
        await promote(tx, cohort, promoted_id, on=on, by=by)
    await store.save(tx, store.COHORTS, store.cohort_document(cohort))


async def withdraw(tx: Transaction, enrolment: Enrolment, *, by_participant: bool, reason: str, by: str) -> Enrolment:
    cohort = await store.cohort(tx, enrolment.cohort_id)
    withdrawn, cohort, event, promoted_id = enrolments.withdraw(
        enrolment,
        cohort,
        by_participant=by_participant,
        by=by,
        reason=reason,
        clashing=await clashing_waiters(tx, cohort, places=cohort.places_left + 1),
    )
    await tx.publish(event, subject=withdrawn.id, sequence=withdrawn.version)
    await fill_freed_place(tx, cohort, promoted_id, on=datetime.now(UTC).date(), by=by)
    return await saved(tx, withdrawn)


async def end(
    tx: Transaction, enrolment: Enrolment, *, on: date, reason: EndReason, by: str, note: str | None
) -> Enrolment:
    ended, event = training.end(enrolment, on=on, reason=reason, by=by, note=note)
    await tx.publish(event, subject=ended.id, sequence=ended.version)
    cohort = await store.cohort(tx, enrolment.cohort_id)
    clashing = await clashing_waiters(tx, cohort, places=cohort.places_left + 1)
    cohort, promoted_id = cohorts.release_place(cohort, enrolment.id, clashing=clashing)
    await fill_freed_place(tx, cohort, promoted_id, on=on, by=by)
    return await saved(tx, ended)


async def leave_custody(tx: Transaction, participant_id: str, *, reason: EndReason, on: date, by: str) -> None:
    """A released or transferred participant leaves every cohort: training ends, places and queues are given up."""
    for enrolment in await enrolments_store.live_enrolments(tx, participant_id):
        if enrolment.state in IN_TRAINING:
            await end(tx, enrolment, on=on, reason=reason, by=by, note=None)
        elif enrolment.state in BEFORE_TRAINING:
            await withdraw(tx, enrolment, by_participant=False, reason=reason.value, by=by)
