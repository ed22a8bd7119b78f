"""The platform's Grafana dashboards as code: `python -m deploy.observability.dashboards deploy/grafana/dashboards`
writes one JSON file per dashboard (committed; a test fails when they are stale).

Business gauges are exported by every replica of a service alike, so their panels take `max`, never `sum`."""

import json
import sys
from pathlib import Path
from typing import Any

from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.cog.encoder import JSONEncoder

from deploy.observability.panels import Chart, Content, Figure, Query, dashboard

RATE = "$__rate_interval"
ALL = f"rate(http_requests_total[{RATE}])"
SERVER_ERRORS = f'rate(http_requests_total{{status=~"5.."}}[{RATE}])'

HTTP: list[Content] = [
    "Requests",
    Chart("Request rate", "reqps", (Query(f"sum by (service, route) ({ALL})", "{{service}} {{route}}"),)),
    Chart(
        "5xx ratio",
        "percentunit",
        (Query(f"sum by (service) ({SERVER_ERRORS}) / sum by (service) ({ALL})", "{{service}}"),),
        "Share of requests answered 5xx; the alert HttpServerErrors fires above 5% for 5m.",
    ),
    Chart(
        "Errors (4xx and 5xx)",
        "reqps",
        (
            Query(
                f'sum by (service, route, status) (rate(http_requests_total{{status=~"[45].."}}[{RATE}]))',
                "{{service}} {{route}} {{status}}",
            ),
        ),
    ),
    Chart(
        "Latency p95",
        "s",
        (
            Query(
                "histogram_quantile(0.95, sum by (service, route, le) "
                f"(rate(http_request_duration_seconds_bucket[{RATE}])))",
                "{{service}} {{route}}",
            ),
        ),
    ),
    "Readiness",
    Chart(
        "Readiness checks passing",
        "short",
        (Query("min by (service, check) (readiness_check_ok)", "{{service}} {{check}}"),),
        "1 while the check passes (mongodb, kafka, consumer); 0 is why /health/ready says 503.",
        width=24,
    ),
]

EVENTS: list[Content] = [
    "Events",
    Chart(
        "Published",
        "ops",
        (Query(f"sum by (service, topic) (rate(events_published_total[{RATE}]))", "{{service}} {{topic}}"),),
        width=8,
    ),
    Chart(
        "Consumed by outcome",
        "ops",
        (Query(f"sum by (service, outcome) (rate(events_consumed_total[{RATE}]))", "{{service}} {{outcome}}"),),
        width=8,
    ),
    Chart(
        "Dead-lettered",
        "ops",
        (Query(f"sum by (service, topic) (rate(events_dead_lettered_total[{RATE}]))", "{{service}} {{topic}}"),),
        width=8,
    ),
    "Outbox and consumers",
    Chart(
        "Outbox backlog",
        "short",
        (
            Query("max by (service) (outbox_backlog_events)", "{{service}}"),
            Query(f"sum by (service) (increase(outbox_set_aside_total[{RATE}]))", "{{service}} set aside"),
        ),
        width=8,
    ),
    Chart(
        "Oldest unpublished event",
        "s",
        (Query("max by (service) (outbox_oldest_unpublished_age_seconds)", "{{service}}"),),
        width=8,
    ),
    Chart(
        "Consumer lag",
        "short",
        (Query("max by (group, topic, partition) (consumer_lag_messages)", "{{group}} {{topic}}[{{partition}}]"),),
        "Messages between each group's position and the partition's last stable offset.",
        width=8,
    ),
    "Webhooks",
    Chart(
        "Deliveries by outcome",
        "ops",
        (Query(f"sum by (outcome) (rate(webhook_delivery_attempts_total[{RATE}]))", "{{outcome}}"),),
        width=8,
    ),
    Chart(
        "Oldest pending delivery",
        "s",
        (
            Query("max by (endpoint) (webhook_oldest_pending_age_seconds)", "{{endpoint}}"),
            Query("max by (endpoint) (webhook_queue_depth)", "{{endpoint}} pending"),
        ),
        width=8,
    ),
    Figure(
        "Disabled endpoints",
        "short",
        Query("count(max by (endpoint) (webhook_endpoint_disabled) == 1) or vector(0)", "disabled"),
        width=8,
    ),
]

BUSINESS: list[Content] = [
    "Now",
    Figure("Harvested this month", "masskg", Query("max(production_harvested_this_month_kilograms)", "kg")),
    Figure("Listings live", "short", Query("max(marketplace_listings_live)", "listings")),
    Figure("Premi settled", "currencyIDR", Query("max(marketplace_premi_settled_rupiah)", "premi"), width=12),
    "Over time",
    Chart("Enrolments by state", "short", (Query("max by (state) (enrolment_enrolments)", "{{state}}"),)),
    Chart("Orders by status", "short", (Query("max by (status) (marketplace_orders)", "{{status}}"),)),
]

DASHBOARDS: dict[str, Dashboard] = {
    "http": dashboard(
        "pembinaan-http", "Pembinaan / HTTP", "Requests per service and route template, 5xx, latency", HTTP
    ),
    "events": dashboard(
        "pembinaan-events", "Pembinaan / Events", "The outbox, Kafka consumers and webhook deliveries", EVENTS
    ),
    "business": dashboard(
        "pembinaan-business", "Pembinaan / Programme figures", "Counts only; nothing personal", BUSINESS
    ),
}


def rendered() -> dict[str, str]:
    """File name -> the dashboard's JSON, as committed."""
    encoder = JSONEncoder(sort_keys=True, indent=2)
    return {f"{name}.json": encoder.encode(built.build()) + "\n" for name, built in DASHBOARDS.items()}


def expressions(dashboard_json: str) -> list[str]:
    """Every PromQL expression of a rendered dashboard's panels."""
    model: dict[str, Any] = json.loads(dashboard_json)
    return [target["expr"] for panel in model.get("panels", []) for target in panel.get("targets", [])]


def main(folder: str) -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for name, text in rendered().items():
        (target / name).write_text(text)
        print(f"wrote {target / name}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "deploy/grafana/dashboards")
