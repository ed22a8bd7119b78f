"""Dead-letter topics: `<topic>.dlq` keeps the original message and why it failed; replay sends it back."""

from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import MessageSizeTooLargeError, RecordTooLargeError

from shared.messaging.kafka import KafkaSecurity, new_consumer, new_producer, partitions_of
from shared.messaging.records import key_is_utf8

DLQ_SUFFIX = ".dlq"
REASON = "dlq.reason"
ORIGINAL_TOPIC = "dlq.original_topic"
ORIGINAL_PARTITION = "dlq.original_partition"
ORIGINAL_OFFSET = "dlq.original_offset"
CONSUMER = "dlq.consumer"
FAILED_AT = "dlq.failed_at"
VALUE_OMITTED = "dlq.value_omitted"


HEADERS_OMITTED = "dlq.headers_omitted"
KEY_OMITTED = "dlq.key_omitted"
REASON_BYTES = 2000
Headers = list[tuple[str, bytes | None]]


def dead_letter_topic(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"


async def send_to_dead_letters(
    producer: AIOKafkaProducer, message: ConsumerRecord[bytes, bytes], *, consumer: str, reason: str
) -> None:
    """Publish the message unchanged (its headers too), with the reason and its origin in headers added;
    wait for the ack. What Kafka cannot carry goes, saying so in a header, until the letter fits: first a
    header whose key is not UTF-8 (no producer can write one) and a `dlq.*` header of the message's own (the
    letter's are the ones to trust), then the value, then the message's headers, then its key. Its origin headers
    always say where the whole message still is."""
    ours: Headers = [
        (REASON, reason.encode()[:REASON_BYTES]),
        (ORIGINAL_TOPIC, message.topic.encode()),
        (ORIGINAL_PARTITION, str(message.partition).encode()),
        (ORIGINAL_OFFSET, str(message.offset).encode()),
        (CONSUMER, consumer.encode()),
        (FAILED_AT, datetime.now(UTC).isoformat().encode()),
    ]
    kept = [(name, value) for name, value in message.headers if key_is_utf8(name) and not name.startswith("dlq.")]
    unwritable = len(message.headers) - len(kept)
    if unwritable:
        ours.append((HEADERS_OMITTED, f"{unwritable} header(s) with a key not UTF-8 or named dlq.*".encode()))
    topic = dead_letter_topic(message.topic)
    for value, key, headers in _ever_smaller(message, kept, ours):
        try:
            await producer.send_and_wait(topic, value=value, key=key, headers=headers)
            return
        except (MessageSizeTooLargeError, RecordTooLargeError):
            continue  # too large to carry with the dead-letter headers: the next form leaves more out
    raise RecordTooLargeError("not even the dead-letter headers alone fit in a request")


def _ever_smaller(
    message: ConsumerRecord[bytes, bytes], kept: Headers, ours: Headers
) -> list[tuple[bytes | None, bytes | None, Headers]]:
    """The letter whole, then without its value, then without the message's headers, then without its key."""
    value_omitted = (VALUE_OMITTED, f"{len(message.value or b'')} bytes, too large to dead-letter whole".encode())
    header_bytes = sum(len(name.encode()) + len(value or b"") for name, value in kept)
    headers_omitted = (HEADERS_OMITTED, f"{len(message.headers)} header(s) of {header_bytes} bytes omitted".encode())
    key_omitted = (KEY_OMITTED, f"{len(message.key or b'')} bytes, too large to dead-letter".encode())
    without_value = [*ours, value_omitted]
    without_headers = [*(header for header in without_value if header[0] != HEADERS_OMITTED), headers_omitted]
    return [
        (message.value, message.key, [*kept, *ours]),
        (None, message.key, [*kept, *without_value]),
        (None, message.key, without_headers),
        (None, None, [*without_headers, key_omitted]),
    ]


def header(message: ConsumerRecord[bytes, bytes], name: str) -> str | None:
    """The first header of that name, as text (bytes that are not UTF-8 replaced); None when it has none."""
    found = (value for key, value in message.headers if key == name and value is not None)
    return next((value.decode(errors="replace") for value in found), None)


def incomplete(letter: ConsumerRecord[bytes, bytes]) -> bool:
    return any(header(letter, name) is not None for name in (VALUE_OMITTED, HEADERS_OMITTED, KEY_OMITTED))


async def replay_dead_letters(*, bootstrap_servers: str, security: KafkaSecurity, topic: str, consumer: str) -> int:
    """Send `consumer`'s dead letters of `topic` back to `topic`, once each; returns how many.

    Progress is kept by the consumer group `<topic>.dlq.<consumer>.replay`, so a second run replays
    only what was dead-lettered since the first. A letter that left out part of its message (its value, key or
    headers) is not replayed: its `dlq.original_*` headers say where the message still is.
    """
    source = dead_letter_topic(topic)
    client_id = f"{consumer}-dlq-replay"
    reader = new_consumer(
        bootstrap_servers=bootstrap_servers,
        security=security,
        group_id=f"{source}.{consumer}.replay",
        client_id=client_id,
    )
    writer = new_producer(bootstrap_servers=bootstrap_servers, security=security, client_id=client_id)
    await reader.start()
    await writer.start()
    replayed = 0
    try:
        partitions = await partitions_of(source, bootstrap_servers=bootstrap_servers, security=security)
        reader.assign(partitions)
        ends = await reader.end_offsets(partitions)
        while [tp for tp, end in ends.items() if await reader.position(tp) < end]:
            batches = await reader.getmany(timeout_ms=1000)
            for records in batches.values():
                for message in records:
                    if header(message, CONSUMER) == consumer and not incomplete(message):
                        await writer.send_and_wait(
                            header(message, ORIGINAL_TOPIC) or topic,
                            value=message.value,
                            key=message.key,
                            headers=[(name, value) for name, value in message.headers if not name.startswith("dlq.")],
                        )
                        replayed += 1
            await reader.commit()
    finally:
        await reader.stop()
        await writer.stop()
    return replayed
