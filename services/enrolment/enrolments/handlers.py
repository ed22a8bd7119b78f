"""Enrolment use cases: request, withdraw, suspend, resume, end, complete."""

from dataclasses import replace
from datetime import date

from services.enrolment import leaving
from services.enrolment.callers import Reach
from services.enrolment.enrolments import domain as enrolments
from services.enrolment.enrolments import store as enrolments_store
from services.enrolment.enrolments.domain import Enrolment, Override
from services.enrolment.participants import store
from services.enrolment.training import domain as training
from services.enrolment.training import store as training_store
from services.enrolment.training.domain import EndReason
from shared.database import ServiceDatabase, Transaction
from shared.errors import Conflict


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
        if await enrolments_store.live_enrolment_exists(tx, participant_id, cohort_id):
            raise AlreadyEnrolled("The participant is already enrolled in this cohort.", field="participant_id")
        participant = await store.participant(tx, participant_id, facility=reach.facility_id)
        await store.claim_placement(tx, participant_id)
        # a cohort at another facility is screened (the facility rule names it), not hidden
        cohort = await store.cohort(tx, cohort_id, reach=replace(reach, facility_id=None))
        programme = await store.programme(tx, cohort.programme_id)
        background = await enrolments_store.background(tx, participant_id)
        enrolment, admitted, event = enrolments.request_enrolment(
            participant, programme, cohort, background, overrides=overrides, by=by
        )
        await store.save(tx, enrolments_store.ENROLMENTS, enrolments_store.enrolment_document(enrolment))
        if admitted.version != cohort.version:
            await store.save(tx, store.COHORTS, store.cohort_document(admitted))
        await tx.publish(event, subject=enrolment.id, sequence=enrolment.version)
        return enrolment

    return await database.transaction(work)


async def withdraw_enrolment(
    database: ServiceDatabase, enrolment_id: str, *, by_participant: bool, reason: str, by: str, reach: Reach
) -> Enrolment:
    """Withdraw, and promote the head of the waiting list into the freed place in the same transaction."""

    async def work(tx: Transaction) -> Enrolment:
        enrolment = await enrolments_store.enrolment(tx, enrolment_id, reach=reach)
        return await leaving.withdraw(tx, enrolment, by_participant=by_participant, reason=reason, by=by)

    return await database.transaction(work)


async def enrolment(database: ServiceDatabase, enrolment_id: str, *, reach: Reach) -> Enrolment:
    async def work(tx: Transaction) -> Enrolment:
        return await enrolments_store.enrolment(tx, enrolment_id, reach=reach)

    return await database.transaction(work)


async def suspend(
    database: ServiceDatabase,
    enrolment_id: str,
    *,
    on: date,
    with_premi: bool,
    reason: str,
    by: str,
    reach: Reach,
) -> Enrolment:
    async def work(tx: Transaction) -> Enrolment:
        suspended, event = training.suspend(
            await enrolments_store.enrolment(tx, enrolment_id, reach=reach),
            on=on,
            with_premi=with_premi,
            by=by,
            reason=reason,
        )
        await tx.publish(event, subject=suspended.id, sequence=suspended.version)
        return await leaving.saved(tx, suspended)

    return await database.transaction(work)


async def resume(database: ServiceDatabase, enrolment_id: str, *, on: date, by: str, reach: Reach) -> Enrolment:
    async def work(tx: Transaction) -> Enrolment:
        resumed, event = training.resume(await enrolments_store.enrolment(tx, enrolment_id, reach=reach), on=on, by=by)
        await tx.publish(event, subject=resumed.id, sequence=resumed.version)
        return await leaving.saved(tx, resumed)

    return await database.transaction(work)


async def end(
    database: ServiceDatabase,
    enrolment_id: str,
    *,
    on: date,
    reason: EndReason,
    note: str | None,
    by: str,
    reach: Reach,
) -> Enrolment:
    """End training without completion; the freed place goes to the head of the waiting list, active at once."""

    async def work(tx: Transaction) -> Enrolment:
        enrolment = await enrolments_store.enrolment(tx, enrolment_id, reach=reach)
        return await leaving.end(tx, enrolment, on=on, reason=reason, by=by, note=note)

    return await database.transaction(work)


async def complete(
    database: ServiceDatabase, enrolment_id: str, *, on: date, by: str, reach: Reach
) -> tuple[Enrolment, str]:
    """Complete the enrolment and issue its certificate; returns both."""

    async def work(tx: Transaction) -> tuple[Enrolment, str]:
        enrolment = await enrolments_store.enrolment(tx, enrolment_id, reach=reach)
        programme = await store.programme(tx, enrolment.programme_id)
        completed, event, certificate = training.complete(
            enrolment,
            programme,
            await training_store.marks(tx, enrolment_id),
            await training_store.passed_competencies(tx, enrolment_id),
            on=on,
            by=by,
        )
        await store.save(tx, enrolments_store.ENROLMENTS, enrolments_store.enrolment_document(completed))
        await training_store.add_certificate(
            tx, certificate.certificate_number, enrolment_id, programme.id, programme.agency_id, on
        )
        await tx.publish(event, subject=completed.id, sequence=completed.version)
        await tx.publish(certificate, subject=certificate.certificate_number, sequence=1)
        return completed, certificate.certificate_number

    return await database.transaction(work)
