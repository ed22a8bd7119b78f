"""Enrolment use cases: commands called by the API, reactions called by the consumer."""

from datetime import date

from services.enrolment import domain, store
from services.enrolment.domain import Participant, SecurityClassification
from shared.consumer import Reaction
from shared.database import ServiceDatabase, Transaction


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
) -> Participant:
    participant, registered = domain.register_participant(
        facility_id=facility_id,
        registration_number=registration_number,
        full_name=full_name,
        nik=nik,
        date_of_birth=date_of_birth,
        sentence_start=sentence_start,
        expected_release=expected_release,
        security_classification=security_classification,
    )

    async def work(tx: Transaction) -> None:
        await store.add_participant(tx, participant)
        await tx.publish(registered, subject=participant.id, sequence=participant.version)

    await database.transaction(work)
    return participant


async def release_participant(database: ServiceDatabase, participant_id: str, *, released_on: date) -> Participant:
    async def work(tx: Transaction) -> Participant:
        released, event = domain.release(await store.participant(tx, participant_id), released_on=released_on)
        await store.save_participant(tx, released)
        await tx.publish(event, subject=released.id, sequence=released.version)
        return released

    return await database.transaction(work)


async def transfer_participant(
    database: ServiceDatabase, participant_id: str, *, to_facility_id: str, transferred_on: date
) -> Participant:
    async def work(tx: Transaction) -> Participant:
        moved, event = domain.transfer(
            await store.participant(tx, participant_id), to_facility_id=to_facility_id, transferred_on=transferred_on
        )
        await store.save_participant(tx, moved)
        await tx.publish(event, subject=moved.id, sequence=moved.version)
        return moved

    return await database.transaction(work)


async def participant(database: ServiceDatabase, participant_id: str) -> Participant:
    async def work(tx: Transaction) -> Participant:
        return await store.participant(tx, participant_id)

    return await database.transaction(work)


REACTIONS: dict[str, Reaction] = {}
