"""Participant use cases: register, assess behaviour; read one and list them. A release or a transfer ends the
participant's enrolments, so those are enrolments' use cases (enrolments/handlers.py)."""

from datetime import UTC, date, datetime

from services.enrolment.participants import domain, store
from services.enrolment.participants.domain import Participant, Registration, Releases, SecurityClassification
from services.enrolment.references import store as reference_store
from shared.errors import Forbidden
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


class OutsideFacility(Forbidden):
    """A facility officer acts for their own facility only."""


async def register_participant(
    database: ServiceDatabase, registration: Registration, *, facility: str | None
) -> Participant:
    """Register a participant; an officer of one facility registers only its own."""
    if facility is not None and registration.facility_id != facility:
        raise OutsideFacility(f"The key is for facility {facility}.", field="facility_id")
    participant, registered = domain.register_participant(registration)

    async def work(tx: Transaction) -> None:
        await reference_store.ensure_facility(tx, registration.facility_id)
        await store.add_participant(tx, participant)
        await tx.publish(registered, subject=participant.id, sequence=participant.version)

    await database.transaction(work)
    return participant


async def assess_behaviour(
    database: ServiceDatabase,
    participant_id: str,
    *,
    score: int,
    assessed_on: date,
    security_classification: SecurityClassification | None,
    facility: str | None,
) -> Participant:
    """Record the facility's latest behaviour assessment; no event, since it is personal and stays here."""

    async def work(tx: Transaction) -> Participant:
        assessed = domain.assess_behaviour(
            await store.participant(tx, participant_id, facility=facility),
            score=score,
            assessed_on=assessed_on,
            classification=security_classification,
            today=datetime.now(UTC).date(),
        )
        await store.save_participant(tx, assessed)
        return assessed

    return await database.transaction(work)


async def participant(database: ServiceDatabase, participant_id: str, *, facility: str | None) -> Participant:
    return await database.read(lambda tx: store.participant(tx, participant_id, facility=facility))


async def participants_page(
    database: ServiceDatabase,
    *,
    facility: str | None,
    status: str | None,
    search: str | None,
    releases: Releases,
    after: str | None,
    limit: int,
) -> pages.Listing[Participant]:
    return await store.participants_page(
        database,
        facility=facility,
        status=status,
        search=search,
        releases=domain.release_window(releases),
        after=after,
        limit=limit,
    )
