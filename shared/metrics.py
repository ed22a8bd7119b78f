"""Prometheus metrics of the platform's plumbing, labelled by service (never by anything personal)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from prometheus_client import Counter, Gauge, Histogram

Database = TypeVar("Database")

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests handled", ["service", "method", "route", "status"])
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
EVENTS_PUBLISHED = Counter("events_published_total", "Events the outbox relay published", ["service", "topic"])
OUTBOX_BACKLOG = Gauge("outbox_backlog_events", "Events committed but not yet published", ["service"])
OUTBOX_OLDEST_AGE = Gauge("outbox_oldest_unpublished_age_seconds", "Age of the oldest unpublished event", ["service"])
OUTBOX_SET_ASIDE = Counter(
    "outbox_set_aside_total", "Outbox records Kafka refused for good, moved to outbox_set_aside", ["service"]
)
OUTBOX_FAILURES = Counter(
    "outbox_relay_failures_total", "Relay rounds that failed (broker or database down)", ["service"]
)
EVENTS_CONSUMED = Counter(
    "events_consumed_total", "Events consumed, by outcome", ["service", "topic", "type", "outcome"]
)
EVENTS_DEAD_LETTERED = Counter(
    "events_dead_lettered_total", "Messages sent to a dead-letter topic", ["service", "topic"]
)
CONSUMER_LAG = Gauge(
    "consumer_lag_messages",
    "Messages between the consumer's position and the end of the partition",
    ["service", "group", "topic", "partition"],
)
CONSUMER_FAILURES = Counter("consumer_loop_failures_total", "Consumer loop restarts after an error", ["service"])
READINESS = Gauge(
    "readiness_check_ok", "1 while the readiness check passes (mongodb, kafka, consumer)", ["service", "check"]
)


def refreshed_every(
    seconds: float, measure: Callable[[Database], Awaitable[None]]
) -> Callable[[Database], Awaitable[None]]:
    """A background loop that sets a service's business gauges from its database now and every `seconds`:
    the figures cost a few bounded queries per interval, whatever the traffic."""

    async def refresh_figures(database: Database) -> None:
        while True:
            await measure(database)
            await asyncio.sleep(seconds)

    return refresh_figures
