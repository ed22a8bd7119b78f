"""The producers' partitioner sends every key where Kafka's default partitioner (aiokafka's, the Java client's)
would, so that a key's events stay on one partition whichever client wrote them."""

import os
import random

from aiokafka.partitioner import DefaultPartitioner

from shared.messaging.kafka import partition_for_key


def test_every_key_goes_to_the_partition_kafkas_default_partitioner_gives_it() -> None:
    keys = [os.urandom(random.randrange(0, 64)) for _ in range(2000)] + [b"", b"a", "pesertà-ß".encode()]
    for key in keys:
        for count in (1, 3, 6, 7, 12):
            partitions = list(range(count))
            assert partition_for_key(key, partitions, partitions) == DefaultPartitioner()(key, partitions, partitions)


def test_a_message_without_a_key_goes_to_an_available_partition() -> None:
    assert partition_for_key(None, [0, 1, 2], [2]) == 2
