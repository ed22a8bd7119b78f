"""Lanes: each endpoint's sends, apart from the others', and the claimed deliveries a replica holds for it."""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiolimiter import AsyncLimiter

from services.notifications.endpoints.domain import Endpoint

IN_HAND_PER_SEND = 16
"""Deliveries a lane claims ahead, per concurrent send, so the next send never waits for a database round."""


@dataclass
class Lane:
    """At most `concurrency` sends at once, at most `rate` a second; the deliveries in hand, each with the end
    of its lease."""

    concurrency: int
    rate: float | None
    sending: asyncio.Semaphore
    limiter: AsyncLimiter | None
    depth: int
    in_hand: dict[str, datetime] = field(default_factory=dict)
    closed: bool = False
    """The endpoint was disabled: what is in hand goes back unsent."""

    @property
    def wants(self) -> int:
        """Refilled once half is sent, so that one round of queries serves many sends."""
        return self.depth - len(self.in_hand) if len(self.in_hand) <= self.depth // 2 else 0

    def may_send(self, delivery_id: str, now: datetime, longest_send: timedelta) -> bool:
        """Open, and the delivery's lease outlasts the longest send: no other replica can claim it meanwhile."""
        until = self.in_hand.get(delivery_id)
        return not self.closed and until is not None and until - now > longest_send


def new_lane(endpoint: Endpoint, lease: timedelta) -> Lane:
    """A rate-limited lane holds no more than it can send within half a lease."""
    rate, concurrency = endpoint.rate_limit_per_second, endpoint.max_concurrency
    depth = concurrency * IN_HAND_PER_SEND
    if rate:
        depth = max(1, min(depth, int(rate * lease.total_seconds() / 2)))
    limiter = AsyncLimiter(rate, 1) if rate else None
    return Lane(concurrency, rate, asyncio.Semaphore(concurrency), limiter, depth)
