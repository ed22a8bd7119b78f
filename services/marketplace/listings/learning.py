"""Reactions that stock listings from production's lots and keep their provenance, in any delivery order."""

from dataclasses import replace
from decimal import Decimal

from services.marketplace.listings import domain, store
from services.marketplace.listings.changes import save_change
from services.marketplace.listings.domain import LotStock
from services.marketplace.lots import store as lots
from services.marketplace.lots.store import ReleasedLot
from services.marketplace.programmes import store as programmes
from services.marketplace.sites import store as sites
from shared.contracts.enrolment import ProgrammePublished, ProgrammeUpdated
from shared.contracts.production import (
    LotDisposed,
    LotDistributed,
    LotReleasedForSale,
    LotWrittenOff,
    SiteRegistered,
)
from shared.messaging.envelope import Envelope
from shared.storage.database import Transaction

RETURNED = "reservation_released"


async def lot_released(tx: Transaction, envelope: Envelope, payload: LotReleasedForSale) -> None:
    """A lot released for sale stocks its facility's listing of the product, a new draft when there is none."""
    await _place(tx, await lots.learn_release(tx, payload, envelope.sequence))


async def lot_reduced(
    tx: Transaction, envelope: Envelope, payload: LotDistributed | LotWrittenOff | LotDisposed
) -> None:
    """Production took part of a lot (or a reservation came back to it): its listing's stock follows."""
    sign = -1 if isinstance(payload, LotDisposed) and payload.kind == RETURNED else 1
    quantity = sign * payload.quantity
    await lots.learn_reduction(tx, payload.lot_id, event_id=envelope.id, sequence=envelope.sequence, quantity=quantity)
    lot = await lots.released_lot(tx, payload.lot_id)
    if lot is not None and lot.listing_id is not None:
        listing, was = await store.listing(tx, lot.listing_id)
        await save_change(tx, listing, was, domain.restock(listing, _stock(lot)))


async def site_registered(tx: Transaction, envelope: Envelope, payload: SiteRegistered) -> None:
    """Once a site's facility is known, the lots released there before it was find their listing."""
    await sites.learn(tx, payload)
    for lot in await lots.unlisted_at(tx, payload.site_id):
        await _place(tx, lot)


async def programme_learnt(tx: Transaction, envelope: Envelope, payload: ProgrammePublished | ProgrammeUpdated) -> None:
    known = {"programme_id": payload.programme_id, "agency_id": payload.agency_id, "name": payload.name}
    if await programmes.learn(tx, **known, sequence=envelope.sequence):
        for listing_id in await store.listings_with(tx, programme_id=payload.programme_id):
            await refresh(tx, listing_id)


async def refresh_listings_of_source(tx: Transaction, source_id: str) -> None:
    for listing_id in await store.listings_with(tx, source_id=source_id):
        await refresh(tx, listing_id)


async def _place(tx: Transaction, lot: ReleasedLot) -> None:
    facility_id = await sites.facility_of(tx, lot.site_id)
    if facility_id is None:
        return  # placed when the site is learnt
    found = await store.listing_of(tx, facility_id=facility_id, product=lot.product, unit=lot.unit)
    if found is None:
        draft = domain.new_draft(facility_id=facility_id, product=lot.product, unit=lot.unit)
        await save_change(tx, None, None, replace(domain.restock(draft, _stock(lot)), version=1))
        listing_id = draft.id
    else:
        listing, was = found
        await save_change(tx, listing, was, domain.restock(listing, _stock(lot)))
        listing_id = listing.id
    await lots.mark_listed(tx, lot.id, listing_id)


async def refresh(tx: Transaction, listing_id: str) -> None:
    """Provenance or food learnt later: the listing's public state may change, though nothing of it did."""
    listing, was = await store.listing(tx, listing_id)
    await save_change(tx, listing, was, replace(listing, version=listing.version + 1))


def _stock(lot: ReleasedLot) -> LotStock:
    available = max(lot.available, Decimal(0))
    return LotStock(
        lot.id, lot.lot_code, lot.programme_id, lot.source, lot.source_id, lot.grade, lot.best_before, available
    )
