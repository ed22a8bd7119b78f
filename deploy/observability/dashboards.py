"""The platform's Grafana dashboards as code: `python -m deploy.observability.dashboards deploy/grafana/dashboards`
writes one JSON file per dashboard (committed; a test fails when they are stale).

Business gauges are exported by every replica of a service alike, so their panels take `max`, never `sum`."""

import json
import sys
from pathlib import Path
from typing import Any

from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.cog.encoder import JSONEncoder

from deploy.observability.panels import datasource_variable, figure, over_time, query, row

RATE = "$__rate_interval"


def _dashboard(uid: str, title: str, description: str) -> Dashboard:
    return (
        Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(["pembinaan", "generated"])
        .refresh("30s")
        .time("now-6h", "now")
        .timezone("browser")
        .with_variable(datasource_variable())
    )


def services() -> Dashboard:
    """HTTP rate, errors and latency per service and route template; readiness."""
    return (
        _dashboard("pembinaan-http", "Pembinaan / HTTP", "Requests per service and route template, 5xx, latency")
        .with_row(row("Requests"))
        .with_panel(
            over_time(
                "Request rate",
                "reqps",
                query(f"sum by (service, route) (rate(http_requests_total[{RATE}]))", "{{service}} {{route}}"),
            )
        )
        .with_panel(
            over_time(
                "5xx ratio",
                "percentunit",
                query(
                    f'sum by (service) (rate(http_requests_total{{status=~"5.."}}[{RATE}]))'
                    f" / sum by (service) (rate(http_requests_total[{RATE}]))",
                    "{{service}}",
                ),
                description="Share of requests answered 5xx; the alert HttpServerErrors fires above 5% for 5m.",
            )
        )
        .with_panel(
            over_time(
                "Errors (4xx and 5xx)",
                "reqps",
                query(
                    f'sum by (service, route, status) (rate(http_requests_total{{status=~"[45].."}}[{RATE}]))',
                    "{{service}} {{route}} {{status}}",
                ),
            )
        )
        .with_panel(
            over_time(
                "Latency p95",
                "s",
                query(
                    "histogram_quantile(0.95, sum by (service, route, le) "
                    f"(rate(http_request_duration_seconds_bucket[{RATE}])))",
                    "{{service}} {{route}}",
                ),
            )
        )
        .with_row(row("Readiness"))
        .with_panel(
            over_time(
                "Readiness checks passing",
                "short",
                query("min by (service, check) (readiness_check_ok)", "{{service}} {{check}}"),
                description="1 while the check passes (mongodb, kafka, consumer); 0 is why /health/ready says 503.",
                width=24,
            )
        )
    )


def events() -> Dashboard:
    """Events published, consumed and dead-lettered; the outbox; consumer lag; webhook deliveries."""
    return (
        _dashboard("pembinaan-events", "Pembinaan / Events", "The outbox, Kafka consumers and webhook deliveries")
        .with_row(row("Events"))
        .with_panel(
            over_time(
                "Published",
                "ops",
                query(f"sum by (service, topic) (rate(events_published_total[{RATE}]))", "{{service}} {{topic}}"),
                width=8,
            )
        )
        .with_panel(
            over_time(
                "Consumed by outcome",
                "ops",
                query(f"sum by (service, outcome) (rate(events_consumed_total[{RATE}]))", "{{service}} {{outcome}}"),
                width=8,
            )
        )
        .with_panel(
            over_time(
                "Dead-lettered",
                "ops",
                query(f"sum by (service, topic) (rate(events_dead_lettered_total[{RATE}]))", "{{service}} {{topic}}"),
                width=8,
            )
        )
        .with_row(row("Outbox and consumers"))
        .with_panel(
            over_time(
                "Outbox backlog",
                "short",
                query("max by (service) (outbox_backlog_events)", "{{service}}"),
                query(f"sum by (service) (increase(outbox_set_aside_total[{RATE}]))", "{{service}} set aside"),
                width=8,
            )
        )
        .with_panel(
            over_time(
                "Oldest unpublished event",
                "s",
                query("max by (service) (outbox_oldest_unpublished_age_seconds)", "{{service}}"),
                width=8,
            )
        )
        .with_panel(
            over_time(
                "Consumer lag",
                "short",
                query("max by (group, topic, partition) (consumer_lag_messages)", "{{group}} {{topic}}[{{partition}}]"),
                description="Messages between each group's position and the partition's last stable offset.",
                width=8,
            )
        )
        .with_row(row("Webhooks"))
        .with_panel(
            over_time(
                "Deliveries by outcome",
                "ops",
                query(f"sum by (outcome) (rate(webhook_delivery_attempts_total[{RATE}]))", "{{outcome}}"),
                width=8,
            )
        )
        .with_panel(
            over_time(
                "Oldest pending delivery",
                "s",
                query("max by (endpoint) (webhook_oldest_pending_age_seconds)", "{{endpoint}}"),
                query("max by (endpoint) (webhook_queue_depth)", "{{endpoint}} pending"),
                width=8,
            )
        )
        .with_panel(
            figure(
                "Disabled endpoints",
                "short",
                query("count(max by (endpoint) (webhook_endpoint_disabled) == 1) or vector(0)", "disabled"),
                width=8,
            )
        )
    )


def business() -> Dashboard:
    """What training produces and sells: enrolments, harvests, listings, orders, premi."""
    return (
        _dashboard("pembinaan-business", "Pembinaan / Programme figures", "Counts only; nothing personal")
        .with_row(row("Now"))
        .with_panel(
            figure("Harvested this month", "masskg", query("max(production_harvested_this_month_kilograms)", "kg"))
        )
        .with_panel(figure("Listings live", "short", query("max(marketplace_listings_live)", "listings")))
        .with_panel(
            figure("Premi settled", "currencyIDR", query("max(marketplace_premi_settled_rupiah)", "premi"), width=12)
        )
        .with_row(row("Over time"))
        .with_panel(
            over_time("Enrolments by state", "short", query("max by (state) (enrolment_enrolments)", "{{state}}"))
        )
        .with_panel(over_time("Orders by status", "short", query("max by (status) (marketplace_orders)", "{{status}}")))
    )


DASHBOARDS = {"http": services, "events": events, "business": business}


def rendered() -> dict[str, str]:
    """File name -> the dashboard's JSON, as committed."""
    encoder = JSONEncoder(sort_keys=True, indent=2)
    return {f"{name}.json": encoder.encode(build().build()) + "\n" for name, build in DASHBOARDS.items()}


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
