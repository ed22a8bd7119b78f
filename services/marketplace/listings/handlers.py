"""Use cases of listings: officers complete, publish and withdraw them (reads within the key's facility); every
change is saved with what it tells (its public state, its position in the catalogue's commit order, the events
integrators follow); and listings follow what the read models learn: lots released or reduced, sites, programmes,
sources and parties."""

from dataclasses import replace

from services.marketplace.listings import domain, store
from services.marketplace.listings.domain import Facts, Listing, ListingNotFound, ListingStatus, Public, Revision
from services.marketplace.lots import store as lots
from services.marketplace.lots.domain import ReleasedLot
from services.marketplace.parties import store as parties
from services.marketplace.programmes import store as programmes
from services.marketplace.sites import store as sites
from services.marketplace.sources import store as sources
from shared.contracts.marketplace import LISTINGS_TOPIC, ListingWithdrawn
from shared.storage.database import ServiceDatabase, Transaction


async def reached(tx: Transaction, listing_id: str, facility_id: str | None) -> tuple[Listing, Public | None]:
    listing, public = await store.listing(tx, listing_id)
    if facility_id is not None and listing.facility_id != facility_id:
        raise ListingNotFound(f"No listing {listing_id}.", field="listing_id")
    return listing, public


async def listing(database: ServiceDatabase, listing_id: str, *, reach: str | None) -> Listing:
    async def work(tx: Transaction) -> Listing:
        return (await reached(tx, listing_id, reach))[0]

    return await database.read(work)


async def revise_listing(
    database: ServiceDatabase, listing_id: str, revision: Revision, *, by: str, reach: str | None
) -> Listing:
    async def work(tx: Transaction) -> Listing:
        before, was = await reached(tx, listing_id, reach)
        after = domain.revise(before, revision, by=by)
        await save_change(tx, before, was, after)
        return after

    return await database.transaction(work)


async def publish_listing(database: ServiceDatabase, listing_id: str, *, reach: str | None) -> Listing:
    async def work(tx: Transaction) -> Listing:
        before, was = await reached(tx, listing_id, reach)
        after = domain.publish(before, food=(await facts_for(tx, before)).food(before))
        await save_change(tx, before, was, after)
        return after

    return await database.transaction(work)


async def withdraw_listing(database: ServiceDatabase, listing_id: str, *, reason: str, reach: str | None) -> Listing:
    async def work(tx: Transaction) -> Listing:
        before, was = await reached(tx, listing_id, reach)
        after = domain.withdraw(before)
        await save_change(tx, before, was, after, reason=reason)
        return after

    return await database.transaction(work)


async def listings_page(
    database: ServiceDatabase, *, status: ListingStatus | None, reach: str | None, after: str | None, limit: int
) -> tuple[list[Listing], str | None]:
    """The listings a key reaches, drafts too, in the commit order of their last change (as the catalogue)."""
    return await store.listings_page(database, status=status, facility_id=reach, after=after, limit=limit)


async def facts_for(tx: Transaction, listing: Listing) -> Facts:
    known = await programmes.programmes(tx, listing.programme_ids)
    agencies = sorted({programme.agency_id for programme in known.values()})
    return Facts(
        programmes=known,
        sources=await sources.sources(tx, sorted({lot.source_id for lot in listing.lots})),
        names=await parties.names(tx, [listing.facility_id], agencies),
    )


async def save_change(
    tx: Transaction, before: Listing | None, was: Public | None, after: Listing, *, reason: str = "withdrawn"
) -> Public:
    """Save `after` (the listing `before` changed, or a new one) and publish what its change tells."""
    fresh = domain.public_state(after, await facts_for(tx, after))
    public = was if was is not None and domain.same(was, fresh) else fresh
    moved = public is not was or before is None or before.status is not after.status
    await store.save_listing(tx, after, public, moved=moved)
    for event in domain.changes(before or after, after, was, public, reason=reason):
        await tx.publish(event, subject=after.id, sequence=after.version)
        if isinstance(event, ListingWithdrawn):
            await tx.tombstone(LISTINGS_TOPIC, key=after.id, sequence=after.version)
    return public


async def place_lot(tx: Transaction, lot: ReleasedLot) -> None:
    """A lot released for sale stocks its facility's listing of the product, a new draft when there is none; a
    lot whose site is not learnt yet waits for it (`place_lots_at`)."""
    facility_id = await sites.facility_of(tx, lot.site_id)
    if facility_id is None:
        return
    found = await store.listing_of(tx, facility_id=facility_id, product=lot.product, unit=lot.unit)
    if found is None:
        draft = domain.new_draft(facility_id=facility_id, product=lot.product, unit=lot.unit)
        await save_change(tx, None, None, replace(domain.restock(draft, domain.stock_of(lot)), version=1))
        listing_id = draft.id
    else:
        listing, was = found
        await save_change(tx, listing, was, domain.restock(listing, domain.stock_of(lot)))
        listing_id = listing.id
    await lots.mark_listed(tx, lot.id, listing_id)


async def place_lots_at(tx: Transaction, site_id: str) -> None:
    """Once a site's facility is known, the lots released there before it was find their listing."""
    for lot in await lots.unlisted_at(tx, site_id):
        await place_lot(tx, lot)


async def restock_lot(tx: Transaction, lot_id: str) -> None:
    """Production took part of a lot (or a reservation came back to it): its listing's stock follows."""
    lot = await lots.released_lot(tx, lot_id)
    if lot is not None and lot.listing_id is not None:
        listing, was = await store.listing(tx, lot.listing_id)
        await save_change(tx, listing, was, domain.restock(listing, domain.stock_of(lot)))


async def refresh_listings_of_programme(tx: Transaction, programme_id: str) -> None:
    await _refresh(tx, await store.listings_with(tx, programme_id=programme_id))


async def refresh_listings_of_agency(tx: Transaction, agency_id: str) -> None:
    for programme_id in await programmes.programme_ids_of(tx, agency_id):
        await refresh_listings_of_programme(tx, programme_id)


async def refresh_listings_of_source(tx: Transaction, source_id: str) -> None:
    await _refresh(tx, await store.listings_with(tx, source_id=source_id))


async def refresh_listings_at(tx: Transaction, facility_id: str) -> None:
    await _refresh(tx, await store.listings_at(tx, facility_id))


async def _refresh(tx: Transaction, listing_ids: list[str]) -> None:
    """Provenance or food learnt later: the listings' public state may change, though nothing of them did."""
    for listing_id in listing_ids:
        listing, was = await store.listing(tx, listing_id)
        await save_change(tx, listing, was, replace(listing, version=listing.version + 1))
