"""Reactions that keep the marketplace's read model of programmes; the listings that show a programme are
refreshed by the function the reactions table gives (`refresh`), so that this read model never imports them."""

from collections.abc import Awaitable, Callable

from services.marketplace.programmes import store
from shared.contracts.enrolment import ProgrammePublished, ProgrammeUpdated
from shared.messaging.envelope import Envelope
from shared.storage.database import Transaction

RefreshListings = Callable[[Transaction, str], Awaitable[None]]
"""Refresh the listings stocked from a programme's lots."""


async def learn_programme(
    tx: Transaction,
    envelope: Envelope,
    payload: ProgrammePublished | ProgrammeUpdated,
    *,
    refresh: RefreshListings,
) -> None:
    """Keep the programme as of its latest event; when its agency or name changed, listings show it."""
    known = {"programme_id": payload.programme_id, "agency_id": payload.agency_id, "name": payload.name}
    if await store.learn(tx, **known, sequence=envelope.sequence):
        await refresh(tx, payload.programme_id)
