"""Production use cases: reactions to other services' events."""

from services.production import domain, store
from services.production.domain import CustodyStatus, KnownParticipant
from shared.consumer import Reaction
from shared.database import Transaction
from shared.events import Envelope, EventData
from shared.events.enrolment import ParticipantRegistered, ParticipantReleased, ParticipantTransferred


async def learn_participant(tx: Transaction, update: KnownParticipant) -> None:
    learnt = domain.learn(await store.known_participant(tx, update.id), update)
    if learnt is not None:
        await store.save_participant(tx, learnt)


async def on_participant_registered(tx: Transaction, envelope: Envelope, payload: EventData) -> None:
    assert isinstance(payload, ParticipantRegistered)
    await learn_participant(
        tx,
        KnownParticipant(
            id=payload.participant_id,
            facility_id=payload.facility_id,
            status=CustodyStatus.IN_CUSTODY,
            sequence=envelope.sequence,
        ),
    )


async def on_participant_released(tx: Transaction, envelope: Envelope, payload: EventData) -> None:
    assert isinstance(payload, ParticipantReleased)
    await learn_participant(
        tx,
        KnownParticipant(
            id=payload.participant_id,
            facility_id=payload.facility_id,
            status=CustodyStatus.RELEASED,
            sequence=envelope.sequence,
        ),
    )


async def on_participant_transferred(tx: Transaction, envelope: Envelope, payload: EventData) -> None:
    assert isinstance(payload, ParticipantTransferred)
    await learn_participant(
        tx,
        KnownParticipant(
            id=payload.participant_id,
            facility_id=payload.to_facility_id,
            status=CustodyStatus.TRANSFERRED,
            sequence=envelope.sequence,
        ),
    )


REACTIONS: dict[str, Reaction] = {
    ParticipantRegistered.event_type: on_participant_registered,
    ParticipantReleased.event_type: on_participant_released,
    ParticipantTransferred.event_type: on_participant_transferred,
}
