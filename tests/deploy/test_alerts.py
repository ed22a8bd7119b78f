"""The alert rules load in Prometheus, read metrics the services export, and fire on exactly what each is for
(`promtool test rules`, each alert with a case that fires it and one that does not)."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.metric_names import read_by, unknown_in

REPO = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((REPO / "deploy" / "prometheus" / "rules").glob("*.yml"))
UNIT_TESTS = Path(__file__).with_name("alerts_test.yml")


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is missing: apt-get install -y prometheus (deploy/local/install_promtool.sh does it)"
    return found


def alert_rules() -> list[dict[str, Any]]:
    return [
        rule
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def test_the_rule_files_are_valid_prometheus_rules(promtool: str) -> None:
    assert RULE_FILES, "no rule files in deploy/prometheus/rules"
    checked = subprocess.run([promtool, "check", "rules", *map(str, RULE_FILES)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_alert_fires_on_what_it_is_for_and_stays_quiet_otherwise(promtool: str) -> None:
    tested = subprocess.run(
        [promtool, "test", "rules", UNIT_TESTS.name], cwd=UNIT_TESTS.parent, capture_output=True, text=True
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_alert_has_a_case_that_fires_it_and_one_that_does_not() -> None:
    cases = [case for test in yaml.safe_load(UNIT_TESTS.read_text())["tests"] for case in test["alert_rule_test"]]
    for rule in alert_rules():
        own = [case for case in cases if case["alertname"] == rule["alert"]]
        assert any(case["exp_alerts"] for case in own), f"nothing shows {rule['alert']} firing"
        assert any(not case["exp_alerts"] for case in own), f"nothing shows {rule['alert']} staying quiet"


def test_every_alert_reads_only_metrics_and_labels_the_services_export() -> None:
    for rule in alert_rules():
        assert unknown_in(rule["expr"]) == [], rule["alert"]


def test_the_alerts_cover_lag_outbox_dead_letters_webhooks_readiness_and_server_errors() -> None:
    read = {metric for rule in alert_rules() for metric in read_by(rule["expr"])}
    assert {
        "consumer_lag_messages", "outbox_oldest_unpublished_age_seconds", "events_dead_lettered_total",
        "webhook_endpoint_disabled", "readiness_check_ok", "up", "http_requests_total",
    } <= read  # fmt: skip
