"""Reactions that keep the marketplace's read model of production sites; the lots released at a site before it
was learnt are placed by the function the reactions table gives (`place`), so that this read model, which
listings read, never imports them."""

from collections.abc import Awaitable, Callable

from services.marketplace.sites import store
from shared.contracts.production import SiteRegistered
from shared.messaging.envelope import Envelope
from shared.storage.database import Transaction

PlaceLotsAt = Callable[[Transaction, str], Awaitable[None]]
"""Stock listings with the lots released at a site whose facility was unknown."""


async def learn_site(tx: Transaction, envelope: Envelope, payload: SiteRegistered, *, place: PlaceLotsAt) -> None:
    """Once a site's facility is known, the lots released there before it was find their listing."""
    await store.learn(tx, payload)
    await place(tx, payload.site_id)
