"""Use cases of listing photos: officers add and remove them; anyone sees those of a published listing."""

import asyncio
from collections.abc import Callable
from functools import partial

from services.marketplace.listings import domain as listings
from services.marketplace.listings import store as listing_store
from services.marketplace.listings.domain import Listing, ListingNotFound, ListingStatus
from services.marketplace.listings.handlers import reached, save_change
from services.marketplace.photos import domain, store
from shared.storage.database import Document, ServiceDatabase, Transaction


class PhotoChecks:
    """Decodes uploads in worker threads, at most `concurrency` at once: a decode holds the event loop for no
    one, and the memory decoding takes is bounded by `concurrency` times the largest image allowed."""

    def __init__(
        self,
        *,
        max_bytes: int,
        max_pixels: int,
        concurrency: int,
        check: Callable[..., domain.CheckedImage] = domain.checked,
    ) -> None:
        self._check = partial(check, max_bytes=max_bytes, max_pixels=max_pixels)
        self._decoding = asyncio.Semaphore(concurrency)

    async def checked(self, data: bytes) -> domain.CheckedImage:
        async with self._decoding:
            return await asyncio.to_thread(self._check, data)


async def add_photo(
    database: ServiceDatabase, listing_id: str, data: bytes, *, checks: PhotoChecks, reach: str | None
) -> tuple[Listing, str]:
    image = await checks.checked(data)

    async def work(tx: Transaction) -> tuple[Listing, str]:
        before, was = await reached(tx, listing_id, reach)
        photo_id = await store.add_photo(tx, listing_id, data, image)
        after = listings.add_photo(before, photo_id)
        await save_change(tx, before, was, after)
        return after, photo_id

    return await database.transaction(work)


async def remove_photo(database: ServiceDatabase, listing_id: str, photo_id: str, *, reach: str | None) -> Listing:
    async def work(tx: Transaction) -> Listing:
        before, was = await reached(tx, listing_id, reach)
        after = listings.remove_photo(before, photo_id)
        await store.remove_photo(tx, listing_id, photo_id)
        await save_change(tx, before, was, after)
        return after

    return await database.transaction(work)


async def public_photo(database: ServiceDatabase, listing_id: str, photo_id: str) -> Document:
    """A photo of a published listing; 404 for any other."""

    async def work(tx: Transaction) -> Document | None:
        listing, _ = await listing_store.listing(tx, listing_id)
        shown = listing.status is ListingStatus.PUBLISHED and photo_id in listing.photo_ids
        return await store.photo(tx, listing_id, photo_id) if shown else None

    found = await database.read(work)
    if found is None:
        raise ListingNotFound(f"No photo {photo_id} of a listing in the catalogue.", field="photo_id")
    return found
