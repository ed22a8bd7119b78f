"""Reactions that keep production's read model of programmes."""

from services.production.programmes import store
from shared.database import Transaction
from shared.events import Envelope
from shared.events.enrolment import ProgrammePublished, ProgrammeUpdated


async def learn_programme(tx: Transaction, envelope: Envelope, payload: ProgrammePublished | ProgrammeUpdated) -> None:
    """Keep which agency each programme belongs to, so an agency reads figures of its own programmes only."""
    await store.save_programme(tx, payload)
