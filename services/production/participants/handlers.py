"""Reactions that keep production's read model of participants."""

from services.production.participants import domain, store
from shared.messaging.envelope import Envelope
from shared.storage.database import Transaction


async def learn_participant(tx: Transaction, envelope: Envelope, payload: domain.ParticipantEvent) -> None:
    """Keep the read model of participants, ignoring events older than what it knows."""
    update = domain.as_known(payload, sequence=envelope.sequence)
    learnt = domain.learn(await store.known_participant(tx, update.id), update)
    if learnt is not None:
        await store.save_participant(tx, learnt)
