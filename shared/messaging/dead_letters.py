"""Dead-letter topics: `<topic>.dlq` keeps the original message and why it failed; replay sends it back."""

from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import MessageSizeTooLargeError, RecordTooLargeError

from shared.messaging.kafka import KafkaSecurity, new_consumer, new_producer, partitions_of

DLQ_SUFFIX = ".dlq"
REASON = "dlq.reason"
ORIGINAL_TOPIC = "dlq.original_topic"
ORIGINAL_PARTITION = "dlq.original_partition"
ORIGINAL_OFFSET = "dlq.original_offset"
CONSUMER = "dlq.consumer"
FAILED_AT = "dlq.failed_at"
VALUE_OMITTED = "dlq.value_omitted"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"


async def send_to_dead_letters(
    producer: AIOKafkaProducer, message: ConsumerRecord[bytes, bytes], *, consumer: str, reason: str
) -> None:
    """Publish the message unchanged (its headers too), with the reason and its origin in headers added;
    wait for the ack. One too large to carry those headers is published without its value, saying so."""
    headers = [
        *message.headers,
        (REASON, reason[:2000].encode()),
        (ORIGINAL_TOPIC, message.topic.encode()),
        (ORIGINAL_PARTITION, str(message.partition).encode()),
        (ORIGINAL_OFFSET, str(message.offset).encode()),
        (CONSUMER, consumer.encode()),
        (FAILED_AT, datetime.now(UTC).isoformat().encode()),
    ]
    try:
        await producer.send_and_wait(
            dead_letter_topic(message.topic), value=message.value, key=message.key, headers=headers
        )
    except (MessageSizeTooLargeError, RecordTooLargeError):
        # the headers pushed it past what one request may carry; its origin still says where to find it
        omitted = (VALUE_OMITTED, f"{len(message.value or b'')} bytes, too large to dead-letter whole".encode())
        await producer.send_and_wait(
            dead_letter_topic(message.topic), value=None, key=message.key, headers=[*headers, omitted]
        )


def header(message: ConsumerRecord[bytes, bytes], name: str) -> str | None:
    return next((value.decode() for key, value in message.headers if key == name), None)


async def replay_dead_letters(*, bootstrap_servers: str, security: KafkaSecurity, topic: str, consumer: str) -> int:
    """Send `consumer`'s dead letters of `topic` back to `topic`, once each; returns how many.

    Progress is kept by the consumer group `<topic>.dlq.<consumer>.replay`, so a second run replays
    only what was dead-lettered since the first. A letter whose value was too large to keep is not replayed:
    its `dlq.original_*` headers say where the message still is.
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
                    if header(message, CONSUMER) == consumer and header(message, VALUE_OMITTED) is None:
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
