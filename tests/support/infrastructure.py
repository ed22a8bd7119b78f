"""Where the tests' Kafka, MongoDB and Keycloak come from: given servers, testcontainers, or the project's own."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "deploy" / "local" / "infra.py"


@dataclass(frozen=True)
class Infrastructure:
    kafka_bootstrap_servers: str
    mongodb_url: str

    @property
    def keycloak_url(self) -> str:
        """Keycloak with the pembinaan realm, started on first use (it is not needed by most tests)."""
        return keycloak_url()


def keycloak_url() -> str:
    """KEYCLOAK_URL when set, else the project's own Keycloak, started by infra.py when it is not running."""
    given = os.environ.get("KEYCLOAK_URL", "").strip()
    if given:
        return given.rstrip("/")
    run_infra("up", "keycloak")
    return "http://127.0.0.1:" + os.environ.get("KEYCLOAK_PORT", "8080")


def docker_reachable() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0


@contextmanager
def shared_infrastructure() -> Iterator[Infrastructure]:
    """KAFKA_BOOTSTRAP_SERVERS / MONGODB_URL when set, else containers where Docker runs, else local servers."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("MONGODB_URL")
    if all(given):
        yield Infrastructure(*given)  # type: ignore[arg-type]
    elif docker_reachable():
        with containers() as infrastructure:
            yield infrastructure
    else:
        run_infra("up")
        yield Infrastructure(
            "127.0.0.1:" + os.environ.get("KAFKA_PORT", "9092"),
            "mongodb://127.0.0.1:" + os.environ.get("MONGODB_PORT", "27017"),
        )


@contextmanager
def containers() -> Iterator[Infrastructure]:
    """The official images; MongoDB as a one-node replica set, since transactions need one."""
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    mongo = MongoDbContainer("mongo:8.0").with_command("--replSet rs0 --bind_ip_all")
    with KafkaContainer("apache/kafka:4.1.1").with_kraft() as kafka, mongo:
        mongo.exec(
            ["mongosh", "--quiet", "--eval", "rs.initiate({_id: 'rs0', members: [{_id: 0, host: 'localhost:27017'}]})"]
        )
        host, port = mongo.get_container_host_ip(), mongo.get_exposed_port(27017)
        yield Infrastructure(kafka.get_bootstrap_server(), f"mongodb://{host}:{port}/?directConnection=true")


def run_infra(*args: str, env: dict[str, str] | None = None) -> str:
    """Run deploy/local/infra.py; its one-line error becomes the failure message."""
    result = subprocess.run(
        [sys.executable, str(INFRA), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"infra.py {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


async def forget(infrastructure: Infrastructure, prefix: str) -> None:
    """Delete a test's topics and databases, so a long-lived broker does not grow with every run."""
    from aiokafka.admin import AIOKafkaAdminClient
    from pymongo import AsyncMongoClient

    admin = AIOKafkaAdminClient(bootstrap_servers=infrastructure.kafka_bootstrap_servers)
    await admin.start()
    try:
        topics = [topic for topic in await admin.list_topics() if topic.startswith(prefix)]
        if topics:
            await admin.delete_topics(topics)
    finally:
        await admin.close()
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(infrastructure.mongodb_url)
    try:
        for name in await client.list_database_names():
            if name.startswith(prefix):
                await client.drop_database(name)
    finally:
        await client.close()
