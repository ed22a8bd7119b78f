#!/usr/bin/env python3
"""Start/stop the project's local infrastructure (Kafka KRaft broker, SecantusDB, Keycloak) idempotently.

Usage: python3 deploy/local/infra.py {up|down|status} [kafka|mongo|keycloak]...   (default: all)

Environment (all optional): DATA_DIR (<repo>/.data), CACHE_DIR (~/.cache/pembinaan-platform), KAFKA_PORT
(9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP (512m), KAFKA_VERSION (4.4.0), KAFKA_SASL_USERS (none;
user:password[,...]: the client listener is SASL_PLAINTEXT with these PLAIN logins), MONGODB_PORT (27017),
MONGODB_SERVER (rust: secantusd-rs, built once into the cache, falling back to python if it cannot be;
python: secantusd-py), SECANTUSD (<repo>/.venv/bin/secantusd-py), READY_TIMEOUT (90 seconds), JAVA_HOME;
KEYCLOAK_PORT (8080), KEYCLOAK_MANAGEMENT_PORT (9000), KEYCLOAK_VERSION (26.7.3), KEYCLOAK_ADMIN_USER (admin),
KEYCLOAK_ADMIN_PASSWORD (admin; local only): Keycloak runs on a Java 21+ JAVA_HOME or /usr/lib/jvm/temurin-*.
KAFKA_BOOTSTRAP_SERVERS / MONGODB_URL / KEYCLOAK_URL mark that service as external: it is only waited for.
Logs: $DATA_DIR/logs/<name>.log; pid files: $DATA_DIR/run/<name>.pid. Stdlib only.
Exit codes: 0 ok; 1 failure (one line per failure on stderr; for status: something is not up).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kafka_server
import keycloak_server
import mongo_server
import processes as proc
import settings
from processes import InfraError
from settings import Settings

SERVERS: dict[str, ModuleType] = {"kafka": kafka_server, "mongo": mongo_server, "keycloak": keycloak_server}
EXTERNAL_ENV = {"kafka": "KAFKA_BOOTSTRAP_SERVERS", "mongo": "MONGODB_URL", "keycloak": "KEYCLOAK_URL"}
PORT_ENV = {"kafka": "KAFKA_PORT", "mongo": "MONGODB_PORT", "keycloak": "KEYCLOAK_PORT"}
EXTRA_PORT_ENV = {"kafka": "KAFKA_CONTROLLER_PORT", "keycloak": "KEYCLOAK_MANAGEMENT_PORT"}
KIND = {
    "kafka": "a Kafka broker",
    "mongo": "a MongoDB-protocol server",
    "keycloak": "Keycloak with the pembinaan realm",
}


def probe(name: str, host: str, port: int) -> str | None:
    """Protocol-level readiness check: info string if the server answers, else None."""
    if name == "kafka":
        return kafka_server.api_versions(host, port)
    if name == "keycloak":
        return keycloak_server.well_known(host, port)
    return mongo_server.hello(host, port)


def label(name: str, pid: int, info: str) -> str:
    """Short description of a server we run, e.g. '4.4.0' or 'SecantusDB 0.7.0b3, replica set secantus'."""
    if name == "keycloak":
        return f"{keycloak_server.version_of(pid)}, {info}"
    return kafka_server.version_of(pid) if name == "kafka" else info


def paths(name: str, s: Settings) -> tuple[Path, Path]:
    """Return (pid file, log file) of a service."""
    return s.run_dir / f"{name}.pid", s.logs_dir / f"{name}.log"


def wait_external(name: str, host: str, port: int, s: Settings) -> str:
    """Wait until an external service answers and describe it."""
    t0 = time.monotonic()
    where = f"{name} at {host}:{port} ({EXTERNAL_ENV[name]})"
    try:
        info = proc.wait_until(lambda: probe(name, host, port), s.timeout, None, None, where)
    except InfraError as exc:
        port_state = "accepts connections but does not answer" if proc.port_open(host, port) else "is closed"
        raise InfraError(f"{exc}: the port {port_state}") from None
    return f"{name} external at {host}:{port} ({EXTERNAL_ENV[name]}; {info}, {time.monotonic() - t0:.1f} s)"


def check_ports_free(name: str, mod: ModuleType, s: Settings) -> None:
    """Fail if a port our server needs is taken by something that is not a reusable server."""
    host, _ = mod.address(s)
    for extra in mod.extra_ports(s):
        if proc.port_open(host, extra):
            raise InfraError(
                f"{name}: port {extra} is in use by {proc.describe_listener(extra)}; free it or "
                f"set {EXTRA_PORT_ENV[name]}"
            )


def start(name: str, mod: ModuleType, s: Settings) -> str:
    """Prepare and launch our own server, then wait for it to answer."""
    host, port = mod.address(s)
    pid_file, log_file = paths(name, s)
    check_ports_free(name, mod, s)
    argv = mod.prepare(s)
    t0 = time.monotonic()
    env = keycloak_server.kc_env(s) if name == "keycloak" else None
    pid = proc.spawn(argv, log_file, pid_file, cwd=s.data_dir, env=env)
    try:
        info = proc.wait_until(lambda: probe(name, host, port), s.timeout, pid, log_file, name)
    except InfraError:
        if proc.is_alive(pid):
            proc.stop(pid, timeout=10)
        pid_file.unlink(missing_ok=True)
        raise
    return f"{name} up at {host}:{port} ({label(name, pid, info)}, {time.monotonic() - t0:.1f} s)"


def up(name: str, s: Settings) -> str:
    """Bring one service up idempotently and return the one-line result (see `started_by`)."""
    mod = SERVERS[name]
    ext = mod.external(s)
    if ext:
        return wait_external(name, *ext, s)
    host, port = mod.address(s)
    pid_file, log_file = paths(name, s)
    pid = proc.owned_pid(pid_file, mod.marker(s))
    if pid is not None:
        t0 = time.monotonic()
        info = proc.wait_until(lambda: probe(name, host, port), s.timeout, pid, log_file, name)
        waited = time.monotonic() - t0
        extra = f", waited {waited:.1f} s for it to finish starting" if waited > 0.5 else ""
        return f"{name} already up at {host}:{port} (pid {pid}, {label(name, pid, info)}{extra})"
    if proc.port_open(host, port):
        try:  # a foreign server may still be starting: give it a few seconds to answer
            info = proc.wait_until(lambda: probe(name, host, port), 5.0, None, None, name)
        except InfraError:
            info = None
        who = proc.describe_listener(port)
        if info is None:
            raise InfraError(
                f"{name}: port {port} is in use by {who}, not {KIND[name]}; stop it or set {PORT_ENV[name]}"
            )
        return f"{name}: reusing {KIND[name]} at {host}:{port} ({info}; {who}; not managed by infra.py)"
    return start(name, mod, s)


def started_by(line: str, name: str) -> bool:
    """Whether `up`'s line says it started the server (rather than finding one running or external)."""
    return line.startswith(f"{name} up at ")


def down(name: str, s: Settings) -> str:
    """Stop one service idempotently and return the one-line result."""
    mod = SERVERS[name]
    if mod.external(s):
        return f"{name} is external ({EXTERNAL_ENV[name]}); left alone"
    pid_file, _ = paths(name, s)
    pid = proc.owned_pid(pid_file, mod.marker(s))
    if pid is None:
        host, port = mod.address(s)
        if proc.port_open(host, port):
            return (
                f"{name} already down (port {port} is served by {proc.describe_listener(port)}, "
                "not managed by infra.py; left alone)"
            )
        return f"{name} already down"
    t0 = time.monotonic()
    clean = proc.stop(pid, timeout=30)
    pid_file.unlink(missing_ok=True)
    how = "" if clean else ", SIGKILLed after 30 s"
    return f"{name} down (pid {pid} stopped in {time.monotonic() - t0:.1f} s{how})"


def status(name: str, s: Settings) -> tuple[bool, str]:
    """Describe one service; True if it is ready."""
    mod = SERVERS[name]
    ext = mod.external(s)
    if ext:
        info = probe(name, *ext)
        state = f"ready ({info})" if info else "NOT answering"
        return info is not None, f"{name}: external at {ext[0]}:{ext[1]} ({EXTERNAL_ENV[name]}), {state}"
    host, port = mod.address(s)
    pid = proc.owned_pid(paths(name, s)[0], mod.marker(s))
    info = probe(name, host, port)
    if pid is not None:
        state = (
            f"up at {host}:{port} (pid {pid}, {label(name, pid, info)})"
            if info
            else f"starting or hung: pid {pid} alive but {host}:{port} does not answer"
        )
        return info is not None, f"{name}: {state}"
    if info:
        return True, f"{name}: up at {host}:{port}, not managed by infra.py ({proc.describe_listener(port)})"
    if proc.port_open(host, port):
        return (
            False,
            f"{name}: down; port {port} is taken by {proc.describe_listener(port)} (not {KIND[name]})",
        )
    return False, f"{name}: down"


def parse_args(argv: list[str]) -> tuple[str, list[str]]:
    """Return (command, services) from the command line or exit 2 with usage."""
    usage = "usage: infra.py {up|down|status} [kafka|mongo|keycloak]..."
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip() if argv else usage, file=sys.stdout if argv else sys.stderr)
        sys.exit(0 if argv else 2)
    command, names = argv[0], argv[1:] or list(SERVERS)
    unknown = [n for n in names if n not in SERVERS]
    if command not in ("up", "down", "status") or unknown:
        print(f"infra: bad arguments {' '.join(argv)!r}; {usage}", file=sys.stderr)
        sys.exit(2)
    return command, list(dict.fromkeys(names))


def main(argv: list[str]) -> int:
    """Run the command for each requested service; 0 if all succeeded."""
    command, names = parse_args(argv)
    ok = True
    try:
        s = settings.load()
    except InfraError as exc:
        print(f"infra: {exc}", file=sys.stderr)
        return 1
    started: list[str] = []
    for name in names:
        try:
            if command == "status":
                ready, line = status(name, s)
                ok &= ready
            else:
                line = (up if command == "up" else down)(name, s)
                started += [name] if command == "up" and started_by(line, name) else []
            print(line, flush=True)
        except InfraError as exc:
            ok = False
            print(f"infra: {exc}", file=sys.stderr, flush=True)
    if command == "up" and not ok:
        for name in reversed(started):  # a failed `up` leaves nothing of its own running
            print(f"infra: stopping what this command started: {down(name, s)}", file=sys.stderr, flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
