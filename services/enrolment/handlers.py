"""Enrolment use cases: commands called by the API, reactions called by the consumer."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

from services.enrolment import cohorts, domain, enrolments, leaving, programmes, store
from services.enrolment.cohorts import Cohort
from services.enrolment.domain import Participant, SecurityClassification
from services.enrolment.enrolments import Enrolment, Override
from services.enrolment.programmes import Programme
from services.enrolment.training import EndReason
from shared.database import ServiceDatabase, Transaction
from shared.errors import Conflict, Forbidden

Loaded = TypeVar("Loaded")


async def register_participant(
    database: ServiceDatabase,
    *,
    facility_id: str,
    registration_number: str,
    full_name: str,
    nik: str,
    date_of_birth: date,
    sentence_start: date,
    expected_release: date,
    security_classification: SecurityClassification,
    behaviour_score: int | None = None,
    behaviour_assessed_on: date | None = None,
    facility: str | None,
) -> Participant:
    """Register a participant; an officer of one facility registers only its own."""
    if facility is not None and facility_id != facility:
        raise OutsideFacility(f"The key is for facility {facility}.", field="facility_id")
    participant, registered = domain.register_participant(
        facility_id=facility_id,
        registration_number=registration_number,
        full_name=full_name,
        nik=nik,
        date_of_birth=date_of_birth,
        sentence_start=sentence_start,
        expected_release=expected_release,
        security_classification=security_classification,
        behaviour_score=behaviour_score,
        behaviour_assessed_on=behaviour_assessed_on,
    )

    async def work(tx: Transaction) -> None:
        await store.add_participant(tx, participant)
        await tx.publish(registered, subject=participant.id, sequence=participant.version)

    await database.transaction(work)
    return participant


async def release_participant(
    database: ServiceDatabase, participant_id: str, *, released_on: date, facility: str | None, by: str
) -> Participant:
    """Release from custody: every enrolment ends or is given up, in the same transaction."""

    async def work(tx: Transaction) -> Participant:
        released, event = domain.release(
            await store.participant(tx, participant_id, facility=facility), released_on=released_on
        )
        await store.save_participant(tx, released)
        await tx.publish(event, subject=released.id, sequence=released.version)
        await leaving.leave_custody(tx, participant_id, reason=EndReason.RELEASED, on=released_on, by=by)
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
        moved, event = domain.transfer(
            await store.participant(tx, participant_id, facility=facility),
            to_facility_id=to_facility_id,
            transferred_on=transferred_on,
        )
        await store.save_participant(tx, moved)
        await tx.publish(event, subject=moved.id, sequence=moved.version)
        await leaving.leave_custody(tx, participant_id, reason=EndReason.TRANSFERRED, on=transferred_on, by=by)
        return moved

    return await database.transaction(work)


class OutsideFacility(Forbidden):
    """A facility officer acts for their own facility only."""


class AlreadyEnrolled(Conflict):
    """A participant holds one live enrolment per cohort."""


async def define_programme(database: ServiceDatabase, **definition: Any) -> Programme:
    programme = programmes.define_programme(**definition)

    async def work(tx: Transaction) -> None:
        await store.save(tx, store.PROGRAMMES, store.programme_document(programme))

    await database.transaction(work)
    return programme


async def publish_programme(database: ServiceDatabase, programme_id: str) -> Programme:
    async def work(tx: Transaction) -> Programme:
        published, event = programmes.publish(await store.programme(tx, programme_id))
        await store.save(tx, store.PROGRAMMES, store.programme_document(published))
        await tx.publish(event, subject=published.id, sequence=published.version)
        return published

    return await database.transaction(work)


async def open_cohort(database: ServiceDatabase, *, programme_id: str, **details: Any) -> Cohort:
    async def work(tx: Transaction) -> Cohort:
        cohort, event = cohorts.open_cohort(await store.programme(tx, programme_id), **details)
        await store.save(tx, store.COHORTS, store.cohort_document(cohort))
        await tx.publish(event, subject=cohort.id, sequence=cohort.version)
        return cohort

    return await database.transaction(work)


async def request_enrolment(
    database: ServiceDatabase,
    *,
    participant_id: str,
    cohort_id: str,
    overrides: list[Override],
    by: str,
    facility: str | None,
) -> Enrolment:
    """Screen and place (or queue, or reject) in one transaction with the cohort, so capacity holds under races."""

    async def work(tx: Transaction) -> Enrolment:
        if await store.live_enrolment_exists(tx, participant_id, cohort_id):
            raise AlreadyEnrolled("The participant is already enrolled in this cohort.", field="participant_id")
        participant = await store.participant(tx, participant_id, facility=facility)
        cohort = await store.cohort(tx, cohort_id)
        programme = await store.programme(tx, cohort.programme_id)
        background = await store.background(tx, participant_id)
        enrolment, admitted, event = enrolments.request_enrolment(
            participant, programme, cohort, background, overrides=overrides, by=by
        )
        await store.save(tx, store.ENROLMENTS, store.enrolment_document(enrolment))
        if admitted.version != cohort.version:
            await store.save(tx, store.COHORTS, store.cohort_document(admitted))
        await tx.publish(event, subject=enrolment.id, sequence=enrolment.version)
        return enrolment

    return await database.transaction(work)


async def withdraw_enrolment(
    database: ServiceDatabase, enrolment_id: str, *, by_participant: bool, reason: str, by: str
) -> Enrolment:
    """Withdraw, and promote the head of the waiting list into the freed place in the same transaction."""

    async def work(tx: Transaction) -> Enrolment:
        enrolment = await store.enrolment(tx, enrolment_id)
        return await leaving.withdraw(tx, enrolment, by_participant=by_participant, reason=reason, by=by)

    return await database.transaction(work)


async def read(database: ServiceDatabase, loader: Callable[[Transaction, str], Awaitable[Loaded]], key: str) -> Loaded:
    """One document through its store loader."""

    async def work(tx: Transaction) -> Loaded:
        return await loader(tx, key)

    return await database.transaction(work)


async def participant(database: ServiceDatabase, participant_id: str, *, facility: str | None) -> Participant:
    async def work(tx: Transaction) -> Participant:
        return await store.participant(tx, participant_id, facility=facility)

    return await database.transaction(work)


async def programme(database: ServiceDatabase, programme_id: str) -> Programme:
    return await read(database, store.programme, programme_id)


async def cohort(database: ServiceDatabase, cohort_id: str) -> Cohort:
    return await read(database, store.cohort, cohort_id)


async def enrolment(database: ServiceDatabase, enrolment_id: str) -> Enrolment:
    return await read(database, store.enrolment, enrolment_id)
