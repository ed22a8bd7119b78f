"""What readiness reports of a consumer: its loop turning, its partitions committing, its database answering."""

import time
from dataclasses import dataclass, field

from aiokafka import TopicPartition

RESTARTS_BEFORE_UNREADY = 3


@dataclass
class ConsumerHealth:
    """What readiness reports of a consumer: the loop turning, partitions committing, the database answering."""

    last_poll: float = field(default_factory=time.monotonic)
    failures_in_a_row: int = 0
    last_failure: str = ""
    waiting_for_database: str | None = None
    holding_since: dict[TopicPartition, float] = field(default_factory=dict)

    def state(self, stall_seconds: float) -> str:
        """ "ok", or why the consumer is not doing its work."""
        if self.failures_in_a_row >= RESTARTS_BEFORE_UNREADY:
            return f"restarting: failed {self.failures_in_a_row} times in a row, last {self.last_failure}"
        if self.waiting_for_database is not None:
            return f"waiting for the database: {self.waiting_for_database}"
        now = time.monotonic()
        held = [(now - since, tp) for tp, since in self.holding_since.items()]
        if held and (oldest := max(held, key=lambda pair: pair[0]))[0] > stall_seconds:
            return f"no progress for {oldest[0]:.0f}s on {oldest[1].topic}[{oldest[1].partition}]"
        if now - self.last_poll > stall_seconds:
            return f"no progress for {now - self.last_poll:.0f}s"
        return "ok"

    def failed(self, error: Exception) -> None:
        self.failures_in_a_row += 1
        self.last_failure = type(error).__name__
