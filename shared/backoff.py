"""Waiting between attempts: doubling delays up to a cap, with jitter so that retrying peers spread out."""

import asyncio
import random

RETRY_CAP_SECONDS = 10.0
"""The longest wait between attempts to reach a broker or database that is away."""


class Backoff:
    """Delays of `first`, twice that, and so on up to `cap` seconds; `reset` after a success."""

    def __init__(self, *, first: float, cap: float, jitter: bool = False) -> None:
        self.first = first
        self.cap = cap
        self.jitter = jitter
        self._next = first

    def delay(self) -> float:
        """The next delay (and double the one after it)."""
        delay, self._next = self._next, min(self._next * 2, self.cap)
        return random.uniform(0, delay) if self.jitter else delay

    async def wait(self) -> float:
        delay = self.delay()
        await asyncio.sleep(delay)
        return delay

    def reset(self) -> None:
        self._next = self.first
