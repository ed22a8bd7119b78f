"""A Kafka broker for one test that stops and restarts it: the project's own, or a container."""

import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.support.infrastructure import docker_reachable, run_infra


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LocalBroker:
    """deploy/local/infra.py on a data folder and ports of its own."""

    env: dict[str, str] = field(default_factory=dict)

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.env['KAFKA_PORT']}"

    def start(self) -> None:
        run_infra("up", "kafka", env=self.env)

    def stop(self) -> None:
        run_infra("down", "kafka", env=self.env)


@dataclass
class ContainerBroker:
    """The official image on a fixed host port, so clients find it again after a restart."""

    container: Any
    port: int

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.container.get_wrapped_container().start()

    def stop(self) -> None:
        self.container.get_wrapped_container().stop()


@contextmanager
def private_kafka() -> Iterator[LocalBroker | ContainerBroker]:
    if docker_reachable() and not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        from testcontainers.kafka import KafkaContainer

        port = free_port()
        with KafkaContainer("apache/kafka:4.1.1").with_kraft().with_bind_ports(9093, port) as container:
            yield ContainerBroker(container, port)
        return
    with tempfile.TemporaryDirectory(prefix="private-kafka-") as data_dir:
        broker = LocalBroker(
            {
                "DATA_DIR": data_dir,
                "KAFKA_PORT": str(free_port()),
                "KAFKA_CONTROLLER_PORT": str(free_port()),
                "KAFKA_BOOTSTRAP_SERVERS": "",
            }
        )
        broker.start()
        try:
            yield broker
        finally:
            broker.stop()
