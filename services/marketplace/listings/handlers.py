"""Use cases of listings for officers: complete, publish, withdraw; reads within the key's facility."""

from services.marketplace.listings import catalogue, domain, store
from services.marketplace.listings.changes import facts_for, save_change
from services.marketplace.listings.domain import Listing, ListingNotFound, ListingStatus, Revision
from services.marketplace.listings.publication import Public
from shared.storage import pages
from shared.storage.database import POSITION, ServiceDatabase, Transaction


async def reached(tx: Transaction, listing_id: str, facility_id: str | None) -> tuple[Listing, Public | None]:
    listing, public = await store.listing(tx, listing_id)
    if facility_id is not None and listing.facility_id != facility_id:
        raise ListingNotFound(f"No listing {listing_id}.", field="listing_id")
    return listing, public


async def listing(database: ServiceDatabase, listing_id: str, *, reach: str | None) -> Listing:
    async def work(tx: Transaction) -> Listing:
        return (await reached(tx, listing_id, reach))[0]

    return await database.read(work)


async def revise(
    database: ServiceDatabase, listing_id: str, revision: Revision, *, by: str, reach: str | None
) -> Listing:
    async def work(tx: Transaction) -> Listing:
        before, was = await reached(tx, listing_id, reach)
        after = domain.revise(before, revision, by=by)
        await save_change(tx, before, was, after)
        return after

    return await database.transaction(work)


async def publish(database: ServiceDatabase, listing_id: str, *, reach: str | None) -> Listing:
    async def work(tx: Transaction) -> Listing:
        before, was = await reached(tx, listing_id, reach)
        after = domain.publish(before, food=(await facts_for(tx, before)).food(before))
        await save_change(tx, before, was, after)
        return after

    return await database.transaction(work)


async def withdraw(database: ServiceDatabase, listing_id: str, *, reason: str, reach: str | None) -> Listing:
    async def work(tx: Transaction) -> Listing:
        before, was = await reached(tx, listing_id, reach)
        after = domain.withdraw(before)
        await save_change(tx, before, was, after, reason=reason)
        return after

    return await database.transaction(work)


async def listings_page(
    database: ServiceDatabase, *, status: ListingStatus | None, reach: str | None, after: str | None, limit: int
) -> tuple[list[Listing], str | None]:
    """The listings a key reaches, drafts too, in the commit order of their last change (see `catalogue`)."""
    query = pages.only(status=status.value if status else None, facility_id=reach)
    shown, more = await catalogue.after_cursor(database, query, after=after, limit=limit, projection=None)
    cursor = catalogue.encode(shown[-1][POSITION]) if more else None
    return [store.from_document(document) for document in shown], cursor
