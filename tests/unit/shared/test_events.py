"""The envelope and the contract registry, without a broker."""

import json
from datetime import UTC, datetime
from uuid import UUID

import pytest

from shared.contracts.enrolment import ParticipantRegistered
from shared.messaging.envelope import Envelope, MalformedEvent
from shared.messaging.registry import InvalidEventPayload, UnknownEventType, envelope_for, registry


def registered() -> Envelope:
    payload = ParticipantRegistered(participant_id="p-1", facility_id="rutan-serang", registered_at=datetime.now(UTC))
    return envelope_for(payload, source="/services/enrolment", subject="p-1", sequence=1, correlation_id="req-1")


def test_an_envelope_survives_the_wire_and_parses_to_its_contract() -> None:
    envelope = registered()
    received = Envelope.from_bytes(envelope.to_bytes())
    assert received == envelope
    assert received.dataschema == "urn:pembinaan:event:enrolment.participant.registered:v1"
    assert received.version == 1
    assert registry.parse(received) == ParticipantRegistered.model_validate(envelope.data)


def test_the_envelope_carries_the_cloudevents_attributes() -> None:
    wire = json.loads(registered().to_bytes())
    for attribute in ("id", "source", "specversion", "type", "time", "subject", "datacontenttype", "dataschema"):
        assert wire[attribute]
    assert wire["specversion"] == "1.0"
    assert wire["correlationid"] == "req-1"
    assert wire["sequence"] == 1


def test_event_ids_are_uuid7s_that_rise_with_time_so_dedupe_indexes_grow_at_their_end() -> None:
    ids = [registered().id for _ in range(1000)]
    assert {UUID(event_id).version for event_id in ids} == {7}
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[]", b'{"type": "x"}'])
def test_bytes_that_are_not_an_envelope_are_malformed(raw: bytes) -> None:
    with pytest.raises(MalformedEvent):
        Envelope.from_bytes(raw)


def test_an_unregistered_type_or_version_is_unknown() -> None:
    wire = json.loads(registered().to_bytes())
    wire["dataschema"] = wire["dataschema"].replace(":v1", ":v9")
    with pytest.raises(UnknownEventType, match="v9"):
        registry.parse(Envelope.model_validate(wire))


def test_a_payload_missing_a_field_is_invalid_and_says_which() -> None:
    wire = json.loads(registered().to_bytes())
    del wire["data"]["facility_id"]
    with pytest.raises(InvalidEventPayload, match="facility_id"):
        registry.parse(Envelope.model_validate(wire))


def test_a_field_added_by_a_newer_publisher_is_ignored_by_an_older_consumer() -> None:
    wire = json.loads(registered().to_bytes())
    wire["data"]["cell_block"] = "C"
    assert registry.parse(Envelope.model_validate(wire)).participant_id == "p-1"  # type: ignore[attr-defined]


def test_every_contract_exports_a_json_schema_with_its_urn() -> None:
    schemas = registry.json_schemas()
    assert len(schemas) == len(registry.contracts())  # one per type and version
    for urn, schema in schemas.items():
        assert schema["$id"] == urn
        assert schema["description"]
        assert schema["required"]


def test_the_published_schemas_in_docs_match_the_contracts() -> None:
    """A contract change must come with its regenerated schema (`python -m deploy.catalogue`)."""
    from pathlib import Path

    from deploy.catalogue.__main__ import schema_files

    published = Path(__file__).resolve().parents[3] / "docs" / "events"
    for name, text in schema_files().items():
        assert (published / name).read_text() == text, f"{name} is stale: run `python -m deploy.catalogue`"


def test_no_contract_has_a_field_for_personal_data() -> None:
    personal = {"full_name", "nik", "registration_number", "date_of_birth", "sentence_start", "expected_release"}
    for urn, schema in registry.json_schemas().items():
        assert not personal & set(schema["properties"]), urn
