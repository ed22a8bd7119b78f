"""Reactions that keep production's read model of programmes."""

from services.production.programmes import store
from shared.contracts.enrolment import ProgrammePublished, ProgrammeUpdated
from shared.messaging.envelope import Envelope
from shared.storage.database import Transaction


async def learn_programme(tx: Transaction, envelope: Envelope, payload: ProgrammePublished | ProgrammeUpdated) -> None:
    """Keep which agency each programme belongs to, so an agency reads figures of its own programmes only."""
    await store.save_programme(tx, payload)
