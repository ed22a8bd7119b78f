"""Use cases of the public catalogue: a search, a listing and the choices a search offers; and the rendered
answers kept in the process (`RenderedPages`).

Each answer is kept with the catalogue's last position when it was made, and served again while that position has
not moved. Every change integrators can see takes a new position (`listings.store.save_listing`), so the counter
tells whether an answer is still true. The counter is read at most every `fresh_for` seconds, and at once after
this process commits a change: a replica's own writes show at once, another replica's within `fresh_for`. A stale
answer never makes a client miss a change: the cursor it gives continues from positions already shown, and a
later change takes a later position."""

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from services.marketplace.catalogue import store
from services.marketplace.catalogue.domain import Choices, Found, Rendered, Search
from shared.storage.database import ServiceDatabase

KEPT_AT_MOST = 2048
KEPT_BYTES_AT_MOST = 32_000_000


class RenderedPages:
    """Answers kept by key, the least recently used forgotten first once more than `kept_at_most` of them or
    more than `kept_bytes_at_most` bytes of them are kept (an answer larger than that is not kept at all)."""

    def __init__(
        self,
        *,
        fresh_for: float,
        kept_at_most: int = KEPT_AT_MOST,
        kept_bytes_at_most: int = KEPT_BYTES_AT_MOST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._kept: OrderedDict[str, Rendered] = OrderedDict()
        self._kept_at_most = kept_at_most
        self._kept_bytes_at_most = kept_bytes_at_most
        self._kept_bytes = 0
        self._fresh_for = fresh_for
        self._clock = clock
        self._position = -1
        self._read_at = -math.inf
        self._reading: asyncio.Task[int] | None = None
        self._changes = 0

    def changed(self) -> None:
        """This process committed a change: read the counter again before the next answer (a read already
        under way may have missed the change, so it counts for no later answer)."""
        self._read_at = -math.inf
        self._changes += 1

    async def _latest_position(self, database: ServiceDatabase) -> int:
        """The counter as last read, read again once `fresh_for` has passed: by one request, the others
        arriving meanwhile waiting for its answer."""
        if self._clock() - self._read_at < self._fresh_for:
            return self._position
        if self._reading is None:
            self._reading = asyncio.ensure_future(self._read(database))
        return await asyncio.shield(self._reading)

    async def _read(self, database: ServiceDatabase) -> int:
        started, changes = self._clock(), self._changes
        try:
            self._position = await store.latest_position(database)
            if changes == self._changes:
                self._read_at = started
            return self._position
        finally:
            self._reading = None

    async def answer(
        self, database: ServiceDatabase, key: str, render: Callable[[int], Awaitable[Rendered]]
    ) -> Rendered:
        """The answer kept for `key` while the catalogue has not changed since; else `render(position)`'s."""
        position = await self._latest_position(database)
        kept = self._kept.get(key)
        if kept is not None and kept.position == position:
            self._kept.move_to_end(key)
            return kept
        fresh = await render(position)
        self._keep(key, fresh)
        return fresh

    @property
    def kept_bytes(self) -> int:
        """What the kept answers weigh: their keys and contents."""
        return self._kept_bytes

    def _keep(self, key: str, answer: Rendered) -> None:
        self._forget(key)
        weight = _weight(key, answer)
        if weight > self._kept_bytes_at_most:
            return
        self._kept[key] = answer
        self._kept_bytes += weight
        while len(self._kept) > self._kept_at_most or self._kept_bytes > self._kept_bytes_at_most:
            self._forget(next(iter(self._kept)))

    def _forget(self, key: str) -> None:
        if (gone := self._kept.pop(key, None)) is not None:
            self._kept_bytes -= _weight(key, gone)


def _weight(key: str, answer: Rendered) -> int:
    return len(key) + len(answer.content) + len(answer.etag)


async def search(database: ServiceDatabase, search: Search, *, after: str | None, limit: int) -> Found:
    return await store.search(database, search, after=after, limit=limit)


async def listing(database: ServiceDatabase, listing_id: str) -> dict[str, Any] | None:
    return await store.listing(database, listing_id)


async def choices(database: ServiceDatabase) -> Choices:
    return await store.choices(database)
