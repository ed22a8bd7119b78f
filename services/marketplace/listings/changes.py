"""Saving a listing's change together with what it tells: its public state, its position in the catalogue's
commit order, and the events integrators follow."""

from services.marketplace.listings import publication, store
from services.marketplace.listings.domain import Listing
from services.marketplace.listings.publication import Facts, Public
from services.marketplace.parties import store as parties
from services.marketplace.programmes import store as programmes
from services.marketplace.sources import store as sources
from shared.contracts.marketplace import LISTINGS_TOPIC, ListingWithdrawn
from shared.storage.database import Transaction


async def facts_for(tx: Transaction, listing: Listing) -> Facts:
    known = await programmes.programmes(tx, listing.programme_ids)
    agencies = sorted({programme.agency_id for programme in known.values()})
    return Facts(
        programmes=known,
        sources=await sources.sources(tx, sorted({lot.source_id for lot in listing.lots})),
        names=await parties.names(tx, [listing.facility_id], agencies),
    )


def same(was: Public | None, fresh: Public) -> bool:
    """Public states equal in all but their time of change."""
    return was is not None and {**was, "updated_at": None} == {**fresh, "updated_at": None}


async def save_change(
    tx: Transaction, before: Listing | None, was: Public | None, after: Listing, *, reason: str = "withdrawn"
) -> Public:
    """Save `after` (the listing `before` changed, or a new one) and publish what its change tells."""
    fresh = publication.public_state(after, await facts_for(tx, after))
    public = was if was is not None and same(was, fresh) else fresh
    moved = public is not was or before is None or before.status is not after.status
    await store.save_listing(tx, after, public, moved=moved)
    for event in publication.changes(before or after, after, was, public, reason=reason):
        await tx.publish(event, subject=after.id, sequence=after.version)
        if isinstance(event, ListingWithdrawn):
            await tx.tombstone(LISTINGS_TOPIC, key=after.id, sequence=after.version)
    return public
