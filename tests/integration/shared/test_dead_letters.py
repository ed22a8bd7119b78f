"""Messages that cannot be handled go to `<topic>.dlq` with the reason; the consumer carries on."""

import json
from typing import Any

from shared.messaging.dead_letters import replay_dead_letters
from shared.messaging.kafka import PLAINTEXT
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import dead_letters, publish, registered
from tests.support.services import RunningService, eventually


def unknown_type() -> bytes:
    envelope = json.loads(registered("p-unknown"))
    envelope["type"] = "enrolment.participant.teleported"
    envelope["dataschema"] = "urn:pembinaan:event:enrolment.participant.teleported:v1"
    return json.dumps(envelope).encode()


def invalid_payload() -> bytes:
    envelope = json.loads(registered("p-invalid"))
    del envelope["data"]["facility_id"]
    return json.dumps(envelope).encode()


async def test_unreadable_messages_are_dead_lettered_with_a_reason_and_the_next_event_is_handled(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    topic = f"{namespace}enrolment.events"
    # one key, so all four share a partition and the good event comes strictly after the bad ones
    await publish(
        infrastructure,
        topic,
        [
            (b"k", b"{not json"),
            (b"k", unknown_type()),
            (b"k", invalid_payload()),
            (b"k", registered("p-good")),
        ],
    )
    read_model = production.runtime.database.db["participants"]
    await eventually(lambda: read_model.find_one({"_id": "p-good"}))

    letters = await eventually(lambda: _at_least(3, dead_letters(infrastructure, f"{topic}.dlq")))
    reasons = [letter["headers"]["dlq.reason"] for letter in letters]
    assert reasons[0].startswith("MalformedEvent")
    assert reasons[1].startswith("UnknownEventType: no contract for enrolment.participant.teleported v1")
    assert reasons[2].startswith("InvalidEventPayload")
    assert "facility_id" in reasons[2]
    assert letters[0]["value"] == b"{not json"
    assert {letter["headers"]["dlq.consumer"] for letter in letters} == {"production"}
    assert all(letter["headers"]["dlq.original_topic"] == topic for letter in letters)


async def test_replayed_dead_letters_go_back_to_their_topic(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    topic = f"{namespace}enrolment.events"
    await publish(infrastructure, topic, [(b"k", b"{not json"), (b"k", registered("p-after"))])
    await eventually(lambda: production.runtime.database.db["participants"].find_one({"_id": "p-after"}))
    await eventually(lambda: _at_least(1, dead_letters(infrastructure, f"{topic}.dlq")))

    replayed = await replay_dead_letters(
        security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers, topic=topic, consumer="production"
    )
    assert replayed == 1
    # the replayed copy is still unreadable, so it is dead-lettered a second time
    await eventually(lambda: _at_least(2, dead_letters(infrastructure, f"{topic}.dlq")))
    again = await replay_dead_letters(
        security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers, topic=topic, consumer="production"
    )
    assert again == 1, "a second replay sends only what was dead-lettered since the first"


async def _at_least(count: int, letters: Any) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = await letters
    return found if len(found) >= count else None
