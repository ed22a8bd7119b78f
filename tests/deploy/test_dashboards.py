"""The committed dashboards are what the code generates, and every query reads metrics the services export."""

from pathlib import Path

import pytest

from deploy.observability.dashboards import expressions, rendered
from tests.deploy.metric_names import exported, read_by, unknown_in

COMMITTED = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "dashboards"
REGENERATE = "python -m deploy.observability.dashboards deploy/grafana/dashboards"


def test_the_committed_dashboards_are_what_the_code_generates() -> None:
    generated = rendered()
    assert sorted(path.name for path in COMMITTED.glob("*.json")) == sorted(generated), f"run {REGENERATE}"
    for name, text in generated.items():
        assert (COMMITTED / name).read_text() == text, f"{name} is stale: run {REGENERATE}"


@pytest.mark.parametrize("name", sorted(rendered()))
def test_every_query_of_a_dashboard_reads_only_metrics_and_labels_the_services_export(name: str) -> None:
    queries = expressions(rendered()[name])
    assert queries, f"{name} has no queries"
    for expression in queries:
        assert unknown_in(expression) == [], f"{name}: {expression!r}"


def test_the_dashboards_show_every_figure_the_operators_asked_for() -> None:
    shown = {metric for text in rendered().values() for query in expressions(text) for metric in read_by(query)}
    asked = {
        "http_requests_total", "http_request_duration_seconds_bucket", "events_published_total",
        "events_consumed_total", "events_dead_lettered_total", "outbox_backlog_events",
        "outbox_oldest_unpublished_age_seconds", "consumer_lag_messages", "webhook_delivery_attempts_total",
        "webhook_oldest_pending_age_seconds", "enrolment_enrolments", "production_harvested_this_month_kilograms",
        "marketplace_listings_live", "marketplace_orders", "marketplace_premi_settled_rupiah",
    }  # fmt: skip
    assert asked <= shown, sorted(asked - shown)


def test_a_renamed_or_unknown_metric_is_caught() -> None:
    known = exported()
    assert read_by('sum by (service, le) (rate(http_request_total{status=~"5.."}[5m]))') == {"http_request_total"}
    assert "http_request_total" not in known
    assert read_by("histogram_quantile(0.95, rate(a_seconds_bucket[$__rate_interval])) / on (x) b offset 1h") == {
        "a_seconds_bucket",
        "b",
    }
    assert {"http_requests_total", "consumer_lag_messages", "webhook_endpoint_disabled"} <= known
    assert unknown_in("max by (group, partition) (consumer_lag_messages)") == []
    assert unknown_in("max by (consumer_group) (consumer_lag_messages)") == ["label consumer_group"]
    assert unknown_in('sum(rate(http_requests_total{code="500"}[5m]))') == ["label code"]
    assert unknown_in("sum(rate(http_request_total[5m]))") == ["metric http_request_total"]
