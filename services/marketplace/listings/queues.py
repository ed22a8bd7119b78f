"""Changes to the same listings taken one after another within this process.

Orders for one listing all write its document; run at once they conflict, and all but one are run again,
over and over, while the stock lasts. Queued here, each runs once (another replica's orders still conflict
and are run again, which keeps them right; the queue only spares this process the wasted attempts)."""

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from weakref import WeakValueDictionary


class ListingQueues:
    def __init__(self) -> None:
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    @asynccontextmanager
    async def turn(self, listing_ids: Iterable[str]) -> AsyncIterator[None]:
        """Wait for the turn of every listing named, taken in one order so two orders never wait on each other."""
        async with AsyncExitStack() as held:
            locks = [self._lock(listing_id) for listing_id in sorted(set(listing_ids))]
            for lock in locks:
                await held.enter_async_context(lock)
            yield

    def _lock(self, listing_id: str) -> asyncio.Lock:
        lock = self._locks.get(listing_id)
        if lock is None:
            lock = self._locks[listing_id] = asyncio.Lock()
        return lock


QUEUES = ListingQueues()
