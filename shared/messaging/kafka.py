"""Kafka clients configured the platform's way."""

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context
from aiokafka.partitioner import DefaultPartitioner
from murmurhash2 import murmurhash2
from pydantic import SecretStr

from shared.messaging.records import read_header_keys_as_bytes

SecurityProtocol = Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


@dataclass(frozen=True)
class KafkaSecurity:
    """How every client of a service authenticates to the brokers; PLAINTEXT (none) suits a local broker."""

    protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_ca_file: str | None = None

    def client_options(self) -> dict[str, Any]:
        """The keyword arguments every aiokafka client (producer, consumer, admin) is given."""
        options: dict[str, Any] = {"security_protocol": self.protocol}
        if self.protocol.startswith("SASL_"):
            options["sasl_mechanism"] = self.sasl_mechanism
            options["sasl_plain_username"] = self.sasl_username
            options["sasl_plain_password"] = self.sasl_password.get_secret_value() if self.sasl_password else None
        if self.protocol.endswith("SSL"):
            options["ssl_context"] = create_ssl_context(cafile=self.ssl_ca_file)
        return options


PLAINTEXT = KafkaSecurity()
MURMUR2_SEED = 0x9747B28C
"""The seed of the Java client's `Utils.murmur2`, which Kafka's default partitioner hashes keys with."""


def partition_for_key(key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
    """Kafka's default partitioner (aiokafka's and the Java client's): a key's partition is its murmur2 hash,
    taken here with a C implementation of the hash instead of aiokafka's pure-Python loop (14% of a relay's
    CPU); a message without a key goes where aiokafka would send it."""
    if key is None:
        chosen: int = DefaultPartitioner()(key, all_partitions, available)
        return chosen
    return all_partitions[(murmurhash2(key, MURMUR2_SEED) & 0x7FFFFFFF) % len(all_partitions)]


def new_producer(*, bootstrap_servers: str, security: KafkaSecurity, client_id: str) -> AIOKafkaProducer:
    """Idempotent, acks=all: a retried send is written once and in order per partition."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        **security.client_options(),
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        partitioner=partition_for_key,
        linger_ms=5,
        request_timeout_ms=15_000,
    )


def new_consumer(
    *topics: str, bootstrap_servers: str, security: KafkaSecurity, group_id: str, client_id: str
) -> AIOKafkaConsumer:
    """Offsets are committed by the consumer loop, only after an event is handled. Fetched records are read
    whatever bytes they hold (`read_header_keys_as_bytes`), so the loop can dead-letter them."""
    read_header_keys_as_bytes()
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        **security.client_options(),
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        metadata_max_age_ms=5_000,
        fetch_max_wait_ms=100,  # 500 (the default) let a poll sit ~300 ms on a backlog the broker already held
    )


def new_admin(*, bootstrap_servers: str, security: KafkaSecurity) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=15_000, **security.client_options()
    )


class TopicsRefused(RuntimeError):
    """The broker would not create a topic as laid out (say, more replicas than it has brokers)."""


@dataclass(frozen=True)
class TopicLayout:
    """How a new topic is laid out: 1 replica locally; 3 replicas and 2 in sync on a cluster, so that
    `acks=all` survives a broker's loss."""

    partitions: int = 3
    replication_factor: int = 1
    min_insync_replicas: int = 1

    def new_topic(self, name: str, *, compacted: bool = False) -> NewTopic:
        """A compacted topic keeps the latest message of each key (and forgets a key after its tombstone)."""
        config = {"min.insync.replicas": str(self.min_insync_replicas)}
        if compacted:
            config["cleanup.policy"] = "compact"
        return NewTopic(name, self.partitions, self.replication_factor, topic_configs=config)


async def ensure_topics(
    topics: list[str],
    *,
    bootstrap_servers: str,
    security: KafkaSecurity,
    layout: TopicLayout = TopicLayout(),
    compacted: frozenset[str] = frozenset(),
    ready_within_seconds: float = 30.0,
) -> None:
    """Create the topics that do not exist yet, laid out as `layout`, and wait until every partition has a leader.

    A consumer that subscribes before a new topic's leaders are known is assigned nothing for it
    until its next metadata refresh, so the wait keeps a fresh service from missing its first events.
    """
    admin = new_admin(bootstrap_servers=bootstrap_servers, security=security)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [layout.new_topic(name, compacted=name in compacted) for name in topics if name not in existing]
        if missing:
            response = await admin.create_topics(missing)
            refused = [
                f"{topic}: {rest[0] if rest and rest[0] else f'error {code}'}"
                for topic, code, *rest in response.topic_errors
                if code not in (0, TopicAlreadyExistsError.errno)
            ]
            if refused:
                raise TopicsRefused("the broker refused to create " + "; ".join(refused))
        await _until_led(admin, topics, ready_within_seconds)
    finally:
        await admin.close()


async def _until_led(admin: AIOKafkaAdminClient, topics: list[str], within_seconds: float) -> None:
    deadline = asyncio.get_running_loop().time() + within_seconds
    while True:
        descriptions = await admin.describe_topics(topics)
        unready = sorted(
            description["topic"]
            for description in descriptions
            if description["error_code"] != 0
            or not description["partitions"]
            or any(partition["leader"] < 0 for partition in description["partitions"])
        )
        if not unready:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"topics without a leader after {within_seconds:.0f} s: {', '.join(unready)}")
        await asyncio.sleep(0.1)


async def partitions_of(topic: str, *, bootstrap_servers: str, security: KafkaSecurity) -> list[TopicPartition]:
    """Every partition of an existing topic."""
    admin = new_admin(bootstrap_servers=bootstrap_servers, security=security)
    await admin.start()
    try:
        [description] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [TopicPartition(topic, partition["partition"]) for partition in description["partitions"]]
