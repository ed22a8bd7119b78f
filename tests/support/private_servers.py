"""A Kafka broker or a MongoDB-protocol server for one test that stops and restarts it: the project's own,
or a container."""

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
class LocalServer:
    """deploy/local/infra.py's server `name` on a data folder and ports of its own."""

    name: str
    env: dict[str, str] = field(default_factory=dict)

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.env['KAFKA_PORT']}"

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.env['MONGODB_PORT']}"

    def start(self) -> None:
        run_infra("up", self.name, env=self.env)

    def stop(self) -> None:
        run_infra("down", self.name, env=self.env)


@dataclass
class ContainerServer:
    """An official image on a fixed host port, so clients find it again after a restart."""

    container: Any
    port: int

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self) -> None:
        self.container.get_wrapped_container().start()

    def stop(self) -> None:
        self.container.get_wrapped_container().stop()


Server = LocalServer | ContainerServer


@contextmanager
def private_kafka() -> Iterator[Server]:
    if docker_reachable() and not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        from testcontainers.kafka import KafkaContainer

        port = free_port()
        with KafkaContainer("apache/kafka:4.1.1").with_kraft().with_bind_ports(9093, port) as container:
            yield ContainerServer(container, port)
        return
    ports = {"KAFKA_PORT": str(free_port()), "KAFKA_CONTROLLER_PORT": str(free_port()), "KAFKA_BOOTSTRAP_SERVERS": ""}
    with _local("kafka", ports) as broker:
        yield broker


@contextmanager
def private_sasl_kafka(users: dict[str, str]) -> Iterator[LocalServer]:
    """The project's own broker, its client listener SASL_PLAINTEXT with these PLAIN logins."""
    settings = {
        "KAFKA_PORT": str(free_port()),
        "KAFKA_CONTROLLER_PORT": str(free_port()),
        "KAFKA_BOOTSTRAP_SERVERS": "",
        "KAFKA_SASL_USERS": ",".join(f"{user}:{password}" for user, password in users.items()),
    }
    with _local("kafka", settings) as broker:
        yield broker


@contextmanager
def private_mongodb() -> Iterator[Server]:
    if docker_reachable() and not os.environ.get("MONGODB_URL"):
        from testcontainers.mongodb import MongoDbContainer

        port = free_port()
        command = f"--replSet rs0 --bind_ip_all --port {port}"
        with MongoDbContainer("mongo:8.0", port=port).with_command(command).with_bind_ports(port, port) as container:
            initiate = f"rs.initiate({{_id: 'rs0', members: [{{_id: 0, host: 'localhost:{port}'}}]}})"
            container.exec(["mongosh", "--port", str(port), "--quiet", "--eval", initiate])
            yield ContainerServer(container, port)
        return
    with _local("mongo", {"MONGODB_PORT": str(free_port()), "MONGODB_URL": ""}) as database:
        yield database


@contextmanager
def _local(name: str, settings: dict[str, str]) -> Iterator[LocalServer]:
    with tempfile.TemporaryDirectory(prefix=f"private-{name}-") as data_dir:
        server = LocalServer(name, {"DATA_DIR": data_dir, **settings})
        server.start()
        try:
            yield server
        finally:
            server.stop()
