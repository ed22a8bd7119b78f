"""Production use cases: reactions to other services' events."""

from typing import get_args

from services.production import domain, store
from shared.consumer import Reaction
from shared.database import Transaction
from shared.events import Envelope, EventData


async def learn_participant(tx: Transaction, envelope: Envelope, payload: EventData) -> None:
    """Keep the read model of participants, ignoring events older than what it knows."""
    assert isinstance(payload, domain.ParticipantEvent)
    update = domain.as_known(payload, sequence=envelope.sequence)
    learnt = domain.learn(await store.known_participant(tx, update.id), update)
    if learnt is not None:
        await store.save_participant(tx, learnt)


REACTIONS: dict[str, Reaction] = {event.event_type: learn_participant for event in get_args(domain.ParticipantEvent)}
