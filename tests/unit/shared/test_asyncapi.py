"""The AsyncAPI catalogue: what it holds, that it is current, and that the AsyncAPI project's own CLI accepts it."""

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy.catalogue.__main__ import asyncapi_yaml, catalogue_page
from deploy.catalogue.asyncapi import asyncapi_document, message_id
from shared.http.app import published_page
from shared.messaging.registry import registry

REPO = Path(__file__).resolve().parents[3]
PUBLISHED = REPO / "docs" / "events" / "asyncapi.yaml"
CLI_PREFIX = Path(os.environ.get("ASYNCAPI_CLI_PREFIX", Path.home() / ".cache" / "pembinaan-platform" / "asyncapi"))
CLI = CLI_PREFIX / "node_modules" / ".bin" / "asyncapi"


def validate_with_the_asyncapi_cli(document: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    if not CLI.exists():
        pytest.fail(f"the AsyncAPI CLI is missing at {CLI}: run `bash deploy/local/asyncapi_cli.sh` (make test does)")
    analytics = tmp_path / "asyncapi-analytics.json"  # no usage reports sent from tests
    analytics.write_text(json.dumps({"analyticsEnabled": "false", "infoMessageShown": "true", "userID": "tests"}))
    return subprocess.run(
        [str(CLI), "validate", str(document), "--fail-severity", "warn"],
        env={**os.environ, "ASYNCAPI_METRICS_CONFIG_PATH": str(analytics)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_asyncapi_cli_accepts_the_published_document(tmp_path: Path) -> None:
    result = validate_with_the_asyncapi_cli(PUBLISHED, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_asyncapi_cli_refuses_a_document_with_a_dangling_reference(tmp_path: Path) -> None:
    broken = tmp_path / "asyncapi.yaml"
    broken.write_text(PUBLISHED.read_text().replace("#/components/schemas/Provenance", "#/components/schemas/Nothing"))
    result = validate_with_the_asyncapi_cli(broken, tmp_path)
    assert result.returncode != 0
    assert "Nothing" in result.stdout + result.stderr


def test_the_published_document_and_page_match_the_contracts() -> None:
    """A contract change must come with its regenerated catalogue (`python -m deploy.catalogue`)."""
    assert PUBLISHED.read_text() == asyncapi_yaml(), (
        "docs/events/asyncapi.yaml is stale: run `python -m deploy.catalogue`"
    )
    assert published_page() == catalogue_page(), "shared/http/catalogue.html is stale: run `python -m deploy.catalogue`"


def test_every_topic_has_a_channel_and_every_consumed_one_its_dead_letters() -> None:
    channels = yaml.safe_load(PUBLISHED.read_text())["channels"]
    assert set(channels) == {
        *(f"{service}.events" for service in ("enrolment", "production", "marketplace")),
        *(f"{service}.events.dlq" for service in ("enrolment", "production", "marketplace")),
        "marketplace.listings",
    }
    listings = channels["marketplace.listings"]
    assert listings["bindings"]["kafka"]["topicConfiguration"]["cleanup.policy"] == ["compact"]
    assert set(listings["messages"]) == {"marketplace.listing.snapshot.v1", "listing_tombstone"}
    assert channels["enrolment.events"]["bindings"]["kafka"]["topicConfiguration"]["cleanup.policy"] == ["delete"]


def test_every_contract_is_a_message_in_its_envelope_with_a_valid_example() -> None:
    document = asyncapi_document()
    messages: dict[str, Any] = document["components"]["messages"]
    for model in registry.contracts():
        message = messages[message_id(model)]
        assert message["headers"]["properties"]["content-type"]["const"].startswith("application/cloudevents+json")
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        envelope = message["payload"]["properties"]
        assert envelope["type"]["const"] == model.event_type
        assert envelope["data"] == {"$ref": f"#/components/schemas/{message_id(model)}"}
        example = message["examples"][0]["payload"]
        assert model.model_validate(example["data"]).event_type == model.event_type
        assert example["type"] == model.event_type


def test_the_page_shows_every_topic_and_event_type() -> None:
    page = published_page()
    for event_type in registry.event_types():
        assert f"{event_type} v1" in page
    assert "marketplace.events.dlq" in page
    assert "compact" in page
