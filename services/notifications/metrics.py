"""Prometheus metrics of webhook deliveries, labelled by endpoint id (never by anything personal)."""

from prometheus_client import Counter, Gauge, Histogram

DELIVERY_ATTEMPTS = Counter(
    "webhook_delivery_attempts_total",
    "Webhook attempts by outcome: delivered, retry, exhausted (failed for good), gone (410)",
    ["endpoint", "outcome"],
)
ATTEMPT_DURATION = Histogram(
    "webhook_attempt_duration_seconds",
    "Time from sending a webhook to its answer",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
QUEUE_DEPTH = Gauge("webhook_queue_depth", "Deliveries pending per endpoint", ["endpoint"])
OLDEST_PENDING_AGE = Gauge(
    "webhook_oldest_pending_age_seconds", "Age of the endpoint's oldest pending delivery", ["endpoint"]
)
ENDPOINT_DISABLED = Gauge("webhook_endpoint_disabled", "1 while the endpoint is disabled", ["endpoint"])
SENDS_IN_FLIGHT = Gauge(
    "webhook_sends_in_flight", "Sends in flight on this replica per owner (agency or integrator id)", ["owner"]
)
