"""The request id that flows from an HTTP call into the events it causes."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


@dataclass(frozen=True)
class Trace:
    """Correlation (the original request) and causation (the direct cause) of new events."""

    correlation_id: str | None = None
    causation_id: str | None = None

    @classmethod
    def of_current_request(cls) -> "Trace":
        return cls(correlation_id=request_id.get(), causation_id=request_id.get())


handling: ContextVar[Trace | None] = ContextVar("handling", default=None)
"""The trace of the event being handled, so that log lines written meanwhile carry its correlation id."""


@contextmanager
def handling_event(trace: Trace) -> Iterator[None]:
    token = handling.set(trace)
    try:
        yield
    finally:
        handling.reset(token)
