"""Single-node KRaft Kafka broker assembled from Maven Central jars (stdlib only)."""

from __future__ import annotations

import re
import shutil
import socket
import struct
import subprocess
import time
from pathlib import Path

from processes import InfraError, cmdline, recv_exact
from settings import HERE, Settings

NAME = "kafka"
POM = HERE / "kafka" / "pom.xml"
LOG4J_CONFIG = HERE / "kafka" / "log4j2.yaml"
API_VERSIONS_KEY = 18


def api_versions(host: str, port: int, timeout: float = 2.0) -> str | None:
    """Send a hand-written ApiVersions v0 request; return 'N APIs' if the broker answers error_code 0."""
    client_id = b"infra.py"
    body = struct.pack(">hhih", API_VERSIONS_KEY, 0, 7, len(client_id)) + client_id
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(struct.pack(">i", len(body)) + body)
            (size,) = struct.unpack(">i", recv_exact(sock, 4))
            if not 6 <= size <= 1 << 20:
                return None
            reply = recv_exact(sock, size)
    except OSError:
        return None
    correlation_id, error_code = struct.unpack(">ih", reply[:6])
    if correlation_id != 7 or error_code != 0:
        return None
    (count,) = struct.unpack(">i", reply[6:10]) if len(reply) >= 10 else (0,)
    return f"{count} APIs"


def parse_bootstrap(servers: str) -> tuple[str, int]:
    """Return (host, port) of the first entry of a KAFKA_BOOTSTRAP_SERVERS list."""
    first = servers.split(",")[0].strip()
    first = re.sub(r"^[A-Za-z_]+://", "", first)
    host, _, port = first.rpartition(":")
    if not host or not port.isdigit():
        raise InfraError(f"KAFKA_BOOTSTRAP_SERVERS={servers!r}: expected host:port[,host:port...]")
    return host.strip("[]"), int(port)


def external(s: Settings) -> tuple[str, int] | None:
    """Return the external broker address if KAFKA_BOOTSTRAP_SERVERS is set."""
    return parse_bootstrap(s.kafka_bootstrap) if s.kafka_bootstrap else None


def address(s: Settings) -> tuple[str, int]:
    """Return the address of the local broker's client listener."""
    return "127.0.0.1", s.kafka_port


def extra_ports(s: Settings) -> list[int]:
    """Ports besides the client port that the local broker binds."""
    return [s.kafka_controller_port]


def kafka_dir(s: Settings) -> Path:
    """Directory holding server.properties, cluster.id and the log dirs."""
    return s.data_dir / "kafka"


def marker(s: Settings) -> str:
    """Return a string that only our own broker's command line contains."""
    return str(kafka_dir(s) / "server.properties")


def version_of(pid: int) -> str:
    """Read the Kafka version from a running broker's classpath (…/kafka/<version>/libs/*)."""
    found = re.search(r"kafka/([^/\s]+)/libs/", cmdline(pid))
    return found.group(1) if found else "?"


def libs_dir(s: Settings) -> Path:
    """Cache directory of the broker jars for the configured version."""
    return s.cache_dir / "kafka" / s.kafka_version / "libs"


def fetch_jars(s: Settings) -> bool:
    """Copy the broker jars from Maven Central into the cache once; True if they were fetched now."""
    libs = libs_dir(s)
    if (libs / ".complete").exists():
        return False
    mvn = shutil.which("mvn")
    if mvn is None:
        raise InfraError("kafka: Maven (mvn) is not on PATH; it is needed once to fetch the broker jars")
    print(f"kafka: fetching Kafka {s.kafka_version} jars from Maven Central into {libs} ...", flush=True)
    tmp = libs.with_name("libs.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    opts = [
        "-q",
        "-B",
        "-Dstyle.color=never",
        f"-Dkafka.version={s.kafka_version}",
        f"-DoutputDirectory={tmp}",
    ]
    argv = [mvn, *opts, "-f", str(POM), "dependency:copy-dependencies"]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0 or not (tmp / f"kafka_2.13-{s.kafka_version}.jar").exists():
        output = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
        errors = [ln for ln in output.splitlines() if "ERROR" in ln] or ["(no output)"]
        raise InfraError(f"kafka: mvn could not fetch Kafka {s.kafka_version}: {errors[0][:300]}")
    (tmp / ".complete").write_text(s.kafka_version + "\n")
    shutil.rmtree(libs, ignore_errors=True)
    tmp.rename(libs)
    return True


def storage_tool(s: Settings, *args: str) -> str:
    """Run kafka.tools.StorageTool with args; return its stdout or raise InfraError."""
    argv = [s.java, "-Xmx256m", "-cp", f"{libs_dir(s)}/*", "kafka.tools.StorageTool", *args]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip() or "(no output)").splitlines()
        raise InfraError(f"kafka: StorageTool {args[0]} failed: {lines[-1][:300]}")
    return done.stdout.strip()


def cluster_id(s: Settings) -> str:
    """Return the cluster id, generating it once with StorageTool random-uuid."""
    id_file = kafka_dir(s) / "cluster.id"
    if id_file.exists():
        return id_file.read_text().strip()
    cid = storage_tool(s, "random-uuid").splitlines()[-1].strip()
    id_file.write_text(cid + "\n")
    return cid


def client_listener(s: Settings) -> dict[str, str]:
    """The client listener: PLAINTEXT, or SASL_PLAINTEXT with PLAIN logins when KAFKA_SASL_USERS names some.

    The broker logs in to itself as the first user; the controller listener stays PLAINTEXT.
    """
    if not s.kafka_sasl_users:
        return {
            "listeners": f"PLAINTEXT://127.0.0.1:{s.kafka_port},CONTROLLER://127.0.0.1:{s.kafka_controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{s.kafka_port}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
        }
    (broker, broker_password), *_ = s.kafka_sasl_users.items()
    logins = " ".join(f'user_{user}="{password}"' for user, password in s.kafka_sasl_users.items())
    jaas = f'username="{broker}" password="{broker_password}" {logins}'
    return {
        "listeners": f"SASL_PLAINTEXT://127.0.0.1:{s.kafka_port},CONTROLLER://127.0.0.1:{s.kafka_controller_port}",
        "advertised.listeners": f"SASL_PLAINTEXT://127.0.0.1:{s.kafka_port}",
        "listener.security.protocol.map": "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "SASL_PLAINTEXT",
        "sasl.enabled.mechanisms": "PLAIN",
        "sasl.mechanism.inter.broker.protocol": "PLAIN",
        "listener.name.sasl_plaintext.plain.sasl.jaas.config": (
            f"org.apache.kafka.common.security.plain.PlainLoginModule required {jaas};"
        ),
    }


def write_server_properties(s: Settings) -> Path:
    """Generate server.properties for a combined broker+controller node from the port settings."""
    props = {
        "process.roles": "broker,controller",
        "node.id": "1",
        **client_listener(s),
        "controller.quorum.bootstrap.servers": f"127.0.0.1:{s.kafka_controller_port}",
        "controller.listener.names": "CONTROLLER",
        "auto.create.topics.enable": "true",
        "num.partitions": "3",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "10",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "5",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
        "log.dirs": str(kafka_dir(s) / "data"),
        "log.retention.hours": "72",
        "log.retention.bytes": str(1 << 30),
        "log.segment.bytes": str(64 << 20),
    }
    path = kafka_dir(s) / "server.properties"
    lines = ["# Generated by deploy/local/infra.py on every `up`; edit the script, not this file."]
    path.write_text("\n".join(lines + [f"{k}={v}" for k, v in props.items()]) + "\n")
    return path


def ensure_formatted(s: Settings, props: Path) -> bool:
    """Format the log dir with StorageTool unless it already has meta.properties; True if formatted now."""
    if (kafka_dir(s) / "data" / "meta.properties").exists():
        return False
    storage_tool(s, "format", "--standalone", "-t", cluster_id(s), "-c", str(props))
    return True


def _heap_flags(heap: str) -> list[str]:
    """Return -Xms/-Xmx flags, keeping -Xms256m unless the heap is smaller."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    found = re.fullmatch(r"(\d+)([kmgKMG]?)", heap)
    if not found:
        raise InfraError(f"KAFKA_HEAP={heap!r}: expected a JVM size like 512m or 1g")
    size = int(found.group(1)) * units.get(found.group(2).lower(), 1)
    return [f"-Xms{heap if size < 256 << 20 else '256m'}", f"-Xmx{heap}"]


def prepare(s: Settings) -> list[str]:
    """Fetch jars, write config, format storage; return the broker's java command line."""
    kafka_dir(s).mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    if fetch_jars(s):
        print(f"kafka: jars fetched ({time.monotonic() - t0:.1f} s)", flush=True)
    props = write_server_properties(s)
    t0 = time.monotonic()
    if ensure_formatted(s, props):
        print(f"kafka: formatted storage {kafka_dir(s) / 'data'} ({time.monotonic() - t0:.1f} s)", flush=True)
    return [
        s.java,
        *_heap_flags(s.kafka_heap),
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
        f"-Dkafka.log.file={s.logs_dir / 'kafka.log'}",
        "-cp",
        f"{libs_dir(s)}/*",
        "kafka.Kafka",
        str(props),
    ]
