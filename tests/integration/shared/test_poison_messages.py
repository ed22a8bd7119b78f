"""Whatever a message holds, it is dead-lettered with a reason and the consumer carries on with the next."""

import json
from typing import Any

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import RawRecord, dead_letters, produce_raw, publish, raw_dead_letters, registered
from tests.support.services import RunningService, eventually


def altered(change: dict[str, Any] | None = None, *, drop: str | None = None) -> bytes:
    envelope = json.loads(registered("p-poison"))
    envelope.update(change or {})
    if drop is not None:
        del envelope[drop]
    return json.dumps(envelope).encode()


SCHEMA = "urn:pembinaan:event:enrolment.participant.registered"
POISON: dict[str, bytes] = {
    "schema ending in :v": altered({"dataschema": f"{SCHEMA}:v"}),
    "schema without a version": altered({"dataschema": SCHEMA}),
    "schema version 1.0": altered({"dataschema": f"{SCHEMA}:v1.0"}),
    "schema version 0": altered({"dataschema": f"{SCHEMA}:v0"}),
    "not JSON": b"\x00\xff not json",
    "JSON that is not an object": b"[1, 2, 3]",
    "an empty object": b"{}",
    "no id": altered(drop="id"),
    "no source": altered(drop="source"),
    "no specversion": altered(drop="specversion"),
    "no type": altered(drop="type"),
    "no time": altered(drop="time"),
    "no subject": altered(drop="subject"),
    "no sequence": altered(drop="sequence"),
    "no data": altered(drop="data"),
    "id of the wrong type": altered({"id": 42}),
    "sequence of the wrong type": altered({"sequence": "third"}),
    "time of the wrong type": altered({"time": "yesterday"}),
    "data of the wrong type": altered({"data": ["p-poison"]}),
    "specversion 0.3": altered({"specversion": "0.3"}),
    "a payload its contract refuses": altered({"data": {"participant_id": "p-poison"}}),
}


async def test_every_kind_of_poison_message_is_dead_lettered_and_the_events_after_it_are_handled(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    topic = f"{namespace}enrolment.events"
    # one key, so every message shares a partition: each good event comes strictly after a poison one
    good = [f"p-after-{index}" for index in range(len(POISON))]
    messages = [
        message for poison, after in zip(POISON.values(), good, strict=True) for message in (poison, registered(after))
    ]
    await publish(infrastructure, topic, [(b"k", message) for message in messages])

    read_model = production.runtime.database.db["participants"]
    await eventually(lambda: read_model.find_one({"_id": good[-1]}))
    letters = await eventually(lambda: _at_least(len(POISON), dead_letters(infrastructure, f"{topic}.dlq")))
    reasons = {letter["value"]: letter["headers"]["dlq.reason"] for letter in letters}
    missing = [name for name, poison in POISON.items() if not reasons.get(poison)]
    assert not missing, f"not dead-lettered with a reason: {missing}"
    assert len(letters) == len(POISON)
    assert await read_model.count_documents({"_id": {"$in": good}}) == len(good)
    assert (await production.http.get("/health/ready")).status_code == 200


async def _at_least(count: int, letters: Any) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = await letters
    return found if len(found) >= count else None


async def test_a_message_too_large_to_dead_letter_whole_is_dead_lettered_without_its_value(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    topic = f"{namespace}enrolment.events"
    # as large as the broker takes: with the dead-letter headers added it no longer fits in one request
    huge = b"x" * 1_048_400
    await publish(infrastructure, topic, [(b"k", huge), (b"k", registered("p-after-huge"))])

    await eventually(lambda: production.runtime.database.db["participants"].find_one({"_id": "p-after-huge"}))
    [letter] = await eventually(lambda: dead_letters(infrastructure, f"{topic}.dlq"))
    assert letter["value"] is None
    assert letter["headers"]["dlq.value_omitted"] == f"{len(huge)} bytes, too large to dead-letter whole"
    assert letter["headers"]["dlq.reason"].startswith("MalformedEvent")


async def test_a_record_of_any_bytes_is_dead_lettered_at_its_offset_and_the_records_around_it_are_handled(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    """aiokafka decodes header keys while it fetches: one that is not UTF-8 used to fail every poll at its
    offset (and lose the records fetched before it). Now it reaches the dead letters, as does a message whose
    header is too large to dead-letter even without its value; any bytes in a key or a header value are just
    carried."""
    topic = f"{namespace}enrolment.events"
    # as large as the broker takes: with the dead-letter headers added it fits neither whole nor without its value
    huge_header = (b"trace", b"x" * 1_048_400)
    records = [
        RawRecord(registered("p-before"), key=b"k"),
        RawRecord(registered("p-bad-key"), key=b"k", headers=[(b"\xff\xfe\x80 key", b"v"), (b"fine", b"v")]),
        RawRecord(registered("p-odd-bytes"), key=b"\xff\x00\xfe", headers=[(b"nothing", None), (b"bin", b"\xff\xc0")]),
    ]
    first = await produce_raw(infrastructure, topic, records)
    huge = await produce_raw(infrastructure, topic, [RawRecord(b"{not json", key=b"k", headers=[huge_header])])
    await produce_raw(infrastructure, topic, [RawRecord(registered("p-after"), key=b"k")])

    participants = production.runtime.database.db["participants"]
    await eventually(lambda: participants.find_one({"_id": "p-after"}))
    handled = {document["_id"] async for document in participants.find({})}
    assert handled == {"p-before", "p-odd-bytes", "p-after"}

    letters = await eventually(lambda: _at_least(2, raw_dead_letters(infrastructure, f"{topic}.dlq")))
    assert len(letters) == 2
    bad_key, too_large = (dict(letter.headers) for letter in letters)
    assert bad_key["dlq.original_offset"] == str(first + 1).encode()
    assert bad_key["dlq.reason"] == b"UnreadableHeaders: a header key is not UTF-8"
    assert bad_key["fine"] == b"v"  # the headers a producer can write are kept
    assert b"not UTF-8" in bad_key["dlq.headers_omitted"]
    assert letters[0].value == records[1].value
    assert too_large["dlq.original_offset"] == str(huge).encode()
    assert too_large["dlq.reason"].startswith(b"MalformedEvent")
    assert "trace" not in too_large
    assert letters[1].value is None
    assert too_large["dlq.headers_omitted"] == b"1 header(s) of 1048405 bytes omitted"
    assert (await production.http.get("/health/ready")).status_code == 200
