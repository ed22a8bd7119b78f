"""docker-compose.yml checked without a Docker engine: the Compose Specification's schema, the files it mounts,
its pinned images, and the topics its topic job creates."""

import os
import re
import shlex
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy import platform
from tests.deploy.schemas import REPO, compose_config_problems, compose_problems

COMPOSE_FILE = REPO / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    parsed: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return parsed


def bind_mounts(service: dict[str, Any]) -> dict[str, str]:
    """Host path -> container path of a service's bind mounts (the `./` volumes)."""
    mounts = [volume.split(":") for volume in service.get("volumes", [])]
    return {source: target for source, target, *_ in mounts if source.startswith("./")}


def test_the_compose_file_follows_the_compose_specification() -> None:
    assert compose_problems(COMPOSE_FILE) == ""


def test_a_compose_file_the_specification_refuses_is_refused(tmp_path: Path) -> None:
    misspelt = tmp_path / "misspelt.yml"
    misspelt.write_text("services:\n  kafka:\n    imagee: apache/kafka:4.3.1\n")
    mistyped = tmp_path / "mistyped.yml"
    mistyped.write_text("services:\n  kafka:\n    image: apache/kafka:4.3.1\n    depends_on: 3\n")
    assert "imagee" in compose_problems(misspelt)
    assert compose_problems(mistyped) != ""


def test_docker_compose_takes_the_compose_file() -> None:
    assert compose_config_problems(COMPOSE_FILE) == ""


def test_docker_compose_refuses_what_the_schema_cannot_see(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling.yml"
    dangling.write_text("services:\n  web:\n    image: nginx:1.29.3\n    depends_on: [database]\n")
    undefined_volume = tmp_path / "undefined-volume.yml"
    undefined_volume.write_text("services:\n  web:\n    image: nginx:1.29.3\n    volumes: [data:/data]\n")
    assert compose_problems(dangling) == ""  # the schema takes both
    assert "database" in compose_config_problems(dangling)
    assert "data" in compose_config_problems(undefined_volume)


def test_every_file_compose_mounts_or_builds_from_exists(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for source in bind_mounts(service):
            assert (REPO / source).exists(), f"{name} mounts {source}, which is not in the repository"
        if "build" in service:
            assert (REPO / service["build"]["context"] / service["build"]["dockerfile"]).is_file(), name


def test_every_image_is_pinned_to_a_version(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        image = service["image"]
        assert re.fullmatch(r"[a-z0-9./_-]+:[A-Za-z0-9._${}:-]+", image), f"{name}: {image} has no tag"
        tag = image.split(":", 1)[1]
        assert tag not in {"latest", "stable"}, f"{name}: {image} is not pinned"
        assert re.search(r"\d", tag), f"{name}: {image} is not pinned to a version"


def test_each_service_is_its_own_image_with_its_own_version_and_port(compose: dict[str, Any]) -> None:
    for name in platform.SERVICES:
        service = compose["services"][name]
        version = f"${{{name.upper()}_VERSION:-0.1.0}}"
        assert service["image"] == f"pembinaan/{name}:{version}"
        assert service["build"]["args"] == {
            "SERVICE": name,
            "HTTP_PORT": str(platform.http_port(name)),
            "VERSION": version,
        }
        assert service["environment"][f"{name.upper()}_HTTP_HOST"] == "0.0.0.0"
        assert service["depends_on"]["kafka-topics"] == {"condition": "service_completed_successfully"}


def test_kafka_keeps_its_log_on_the_named_volume(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    log_dirs = kafka["environment"]["KAFKA_LOG_DIRS"]
    assert f"kafka-data:{log_dirs}" in kafka["volumes"]
    assert "kafka-data" in compose["volumes"]


def test_mongodb_is_initiated_as_a_one_node_replica_set(compose: dict[str, Any]) -> None:
    mongo = compose["services"]["mongo"]
    assert mongo["command"][:2] == ["--replSet", "rs0"]
    assert "rs.initiate({_id: 'rs0'" in mongo["healthcheck"]["test"][-1]
    assert all(
        "replicaSet=rs0" in compose["services"][name]["environment"]["MONGODB_URL"] for name in platform.SERVICES
    )


def created_topics(script: Path, tmp_path: Path, partitions: str) -> dict[str, list[str]]:
    """Runs the topic job's script against a stand-in kafka-topics.sh that records its arguments."""
    record = tmp_path / "calls"
    stand_in = tmp_path / "kafka-topics.sh"
    stand_in.write_text(f'#!/usr/bin/env bash\nprintf "%q " "$@" >> {record}\necho >> {record}\n')
    stand_in.chmod(stand_in.stat().st_mode | stat.S_IEXEC)
    environment = {**os.environ, "KAFKA_BIN": str(tmp_path), "KAFKA_TOPIC_PARTITIONS": partitions}
    subprocess.run(["bash", str(script)], env=environment, check=True)
    calls = [shlex.split(line) for line in record.read_text().splitlines()]
    return {call[call.index("--topic") + 1]: call for call in calls}


def test_the_topic_job_creates_every_topic_the_services_use(compose: dict[str, Any], tmp_path: Path) -> None:
    job = compose["services"]["kafka-topics"]
    [(source, target)] = bind_mounts(job).items()
    assert job["entrypoint"] == ["bash", target]
    calls = created_topics(REPO / source, tmp_path, partitions="5")
    assert set(calls) == set(platform.topics())
    for topic, call in calls.items():
        assert call[call.index("--partitions") + 1] == "5", topic
        configs = [call[i + 1] for i, argument in enumerate(call) if argument == "--config"]
        assert ("cleanup.policy=compact" in configs) == platform.topics()[topic], topic
        assert platform.topics()[topic] or any(config.startswith("retention.ms=") for config in configs), topic


def test_prometheus_scrapes_every_service_and_loads_the_mounted_rule_files(compose: dict[str, Any]) -> None:
    mounts = bind_mounts(compose["services"]["prometheus"])
    config = yaml.safe_load((REPO / "deploy/prometheus/prometheus.yml").read_text())
    assert mounts["./deploy/prometheus/prometheus.yml"] == "/etc/prometheus/prometheus.yml"
    assert config["rule_files"] == [f"{mounts['./deploy/prometheus/rules']}/*.yml"]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert {name: job["static_configs"] for name, job in jobs.items()} == {
        name: [{"targets": [f"{name}:{platform.http_port(name)}"]}] for name in platform.SERVICES
    }
    assert all(job.get("metrics_path", "/metrics") == "/metrics" for job in jobs.values())


def test_grafana_provisions_prometheus_and_the_mounted_dashboards(compose: dict[str, Any]) -> None:
    mounts = bind_mounts(compose["services"]["grafana"])
    provisioning = REPO / "deploy/grafana/provisioning"
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    [provider] = yaml.safe_load((provisioning / "dashboards/platform.yml").read_text())["providers"]
    assert provider["options"]["path"] == mounts["./deploy/grafana/dashboards"]
    [source] = yaml.safe_load((provisioning / "datasources/prometheus.yml").read_text())["datasources"]
    assert source["url"] == "http://prometheus:9090"
    assert "prometheus" in compose["services"]


def test_the_demo_receiver_runs_on_the_notifications_image(compose: dict[str, Any]) -> None:
    receiver = compose["services"]["receiver"]
    [(source, target)] = [(s, t) for s, t in bind_mounts(receiver).items() if s.endswith(".py")]
    assert source == "./deploy/demo_receiver.py"
    assert receiver["command"] == ["python", target]
    assert receiver["image"] == compose["services"]["notifications"]["image"]
    assert receiver["environment"]["RECEIVER_HTTP_HOST"] == "0.0.0.0"


def test_every_service_is_told_which_proxies_to_trust_and_trusts_none_without_one(compose: dict[str, Any]) -> None:
    for name in platform.SERVICES:
        environment = compose["services"][name]["environment"]
        assert environment["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-}", name  # published ports: no proxy
        assert environment["FORWARDED_HEADER"] == "${FORWARDED_HEADER:-x-forwarded-for}", name
