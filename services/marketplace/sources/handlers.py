"""Reactions that keep the marketplace's read model of harvests and batches. What follows is given by the
reactions table: listings show the source's day and whether it is food (`refresh`), and premi that waited for its
credits is paid (`pay`); this read model, which both read, imports neither."""

from collections.abc import Awaitable, Callable
from decimal import Decimal

from services.marketplace.sources import store
from shared.contracts.production import BatchProduced, HarvestRecorded
from shared.messaging.envelope import Envelope
from shared.storage.database import Transaction

RefreshListings = Callable[[Transaction, str], Awaitable[None]]
"""Refresh the listings stocked from a source."""
PayPending = Callable[[Transaction, str, dict[str, Decimal]], Awaitable[None]]
"""Pay the premi that waited for a source's credits, by the hours credited."""


async def learn_harvest(
    tx: Transaction, envelope: Envelope, payload: HarvestRecorded, *, refresh: RefreshListings, pay: PayPending
) -> None:
    await store.learn_harvest(tx, payload)
    await _learnt(tx, payload.harvest_id, refresh, pay)


async def learn_batch(
    tx: Transaction, envelope: Envelope, payload: BatchProduced, *, refresh: RefreshListings, pay: PayPending
) -> None:
    await store.learn_batch(tx, payload)
    await _learnt(tx, payload.batch_id, refresh, pay)


async def _learnt(tx: Transaction, source_id: str, refresh: RefreshListings, pay: PayPending) -> None:
    await refresh(tx, source_id)
    known = (await store.sources(tx, [source_id]))[source_id]
    await pay(tx, source_id, known.hours)
