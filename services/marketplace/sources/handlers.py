"""Reactions to production's harvests and batches: what lots came from, and who worked them."""

from services.marketplace.listings.learning import refresh_listings_of_source
from services.marketplace.settlement.handlers import pay_pending
from services.marketplace.sources import store
from shared.contracts.production import BatchProduced, HarvestRecorded
from shared.messaging.envelope import Envelope
from shared.storage.database import Transaction


async def harvest_learnt(tx: Transaction, envelope: Envelope, payload: HarvestRecorded) -> None:
    await store.learn_harvest(tx, payload)
    await _learnt(tx, payload.harvest_id)


async def batch_learnt(tx: Transaction, envelope: Envelope, payload: BatchProduced) -> None:
    await store.learn_batch(tx, payload)
    await _learnt(tx, payload.batch_id)


async def _learnt(tx: Transaction, source_id: str) -> None:
    """Listings show its date and whether it is food; premi that waited for its credits is paid."""
    await refresh_listings_of_source(tx, source_id)
    known = (await store.sources(tx, [source_id]))[source_id]
    await pay_pending(tx, source_id, known.hours)
