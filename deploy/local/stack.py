#!/usr/bin/env python3
"""Run the whole platform locally: infrastructure, the four services, and the demo data.

Usage: python3 deploy/local/stack.py {run|up|down|status}
  run     up, print where everything listens and how to sign in, and stop it all on Ctrl-C
  up      the same in the background; `down` stops services and infrastructure
Environment: as infra.py, plus ENROLMENT_HTTP_PORT (8001), PRODUCTION_HTTP_PORT (8002),
MARKETPLACE_HTTP_PORT (8003), NOTIFICATIONS_HTTP_PORT (8004), RECEIVER_HTTP_PORT (8090: the demo's webhook
receiver, whose log shows what each agency's endpoint received). Logs: $DATA_DIR/logs/<service>.log.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import infra
import processes as proc
import settings
import sign_in
from processes import InfraError

SERVICES = {"enrolment": 8001, "production": 8002, "marketplace": 8003, "notifications": 8004}
RECEIVER = "receiver"
"""The demo's webhook receiver (deploy/demo_receiver.py), started before the services and stopped after."""
VENV_PYTHON = settings.REPO / ".venv" / "bin" / "python"


def port_of(service: str) -> int:
    return int(os.environ.get(f"{service.upper()}_HTTP_PORT", SERVICES.get(service, 8090)))


def module_of(service: str) -> str:
    return "deploy.demo_receiver" if service == RECEIVER else f"services.{service}"


def service_env(s: settings.Settings) -> dict[str, str]:
    """The environment every service starts with: where Kafka and MongoDB are."""
    return {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": s.kafka_bootstrap or f"127.0.0.1:{s.kafka_port}",
        "MONGODB_URL": s.mongodb_url or f"mongodb://127.0.0.1:{s.mongodb_port}",
        # the demo receiver is on loopback, which webhooks may reach here only
        "NOTIFICATIONS_WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
        "NOTIFICATIONS_WEBHOOK_ALLOWED_PORTS": f"[80, 443, {port_of(RECEIVER)}]",
        "DEMO_WEBHOOKS_FILE": str(s.data_dir / "demo-webhooks.json"),
        # the services trust the realm of the Keycloak started (or named by KEYCLOAK_URL) here, unless told another
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER") or f"{sign_in.keycloak_base(s)}/realms/{sign_in.REALM}",
    }


def health(service: str, check: str) -> str | None:
    """The health endpoint's body when it answers 200, else None."""
    url = f"http://127.0.0.1:{port_of(service)}/health/{check}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.read().decode()
    except (urllib.error.URLError, OSError):
        return None


def say(line: str) -> None:
    """Print a line; once the reader has gone (a `| tee` killed by the same Ctrl-C), carry on silently."""
    try:
        print(line, flush=True)
    except (BrokenPipeError, ValueError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (for the rest of the process)


def start_service(service: str, s: settings.Settings) -> str:
    pid_file, log_file = s.run_dir / f"{service}.pid", s.logs_dir / f"{service}.log"
    marker = module_of(service)
    if proc.owned_pid(pid_file, marker) is not None and health(service, "live"):
        return f"{service} already up at http://127.0.0.1:{port_of(service)}"
    if proc.port_open("127.0.0.1", port_of(service)):
        raise InfraError(
            f"{service}: port {port_of(service)} is in use by {proc.describe_listener(port_of(service))}"
            f"; free it or set {service.upper()}_HTTP_PORT"
        )
    argv = [str(VENV_PYTHON), "-m", marker, *([str(port_of(service))] if service == RECEIVER else [])]
    started = time.monotonic()
    pid = proc.spawn(argv, log_file, pid_file, cwd=settings.REPO, env=service_env(s))
    proc.wait_until(lambda: health(service, "ready"), s.timeout, pid, log_file, service)
    return f"{service} up at http://127.0.0.1:{port_of(service)} ({time.monotonic() - started:.1f} s)"


def stop_service(service: str, s: settings.Settings) -> str:
    pid_file = s.run_dir / f"{service}.pid"
    pid = proc.owned_pid(pid_file, module_of(service))
    if pid is None:
        return f"{service} already down"
    proc.stop(pid, timeout=20)
    pid_file.unlink(missing_ok=True)
    return f"{service} down"


def load_demo_data(s: settings.Settings) -> None:
    env = {**service_env(s), **{f"{name.upper()}_URL": f"http://127.0.0.1:{port_of(name)}" for name in SERVICES}}
    env["DEMO_KEYS_FILE"] = str(s.data_dir / "demo-keys.json")
    env["RECEIVER_URL"] = f"http://127.0.0.1:{port_of(RECEIVER)}"
    result = subprocess.run(
        [str(VENV_PYTHON), "-m", "deploy.demo_data"], cwd=settings.REPO, env=env, text=True, capture_output=True
    )
    if result.returncode != 0:
        raise InfraError(f"demo data failed: {(result.stderr.strip().splitlines() or ['?'])[-1]}")
    print(result.stdout.rstrip(), flush=True)


def up(s: settings.Settings, started: list[str]) -> None:
    """Bring everything up, noting in `started` what this command started (not what was already running)."""
    if not VENV_PYTHON.exists():
        raise InfraError("no .venv: run `make setup` first")
    for name in infra.SERVERS:
        line = infra.up(name, s)
        started += [name] if infra.started_by(line, name) else []
        say(line)
    for service in [RECEIVER, *SERVICES]:
        line = start_service(service, s)
        started += [] if " already up" in line else [service]
        say(line)
    load_demo_data(s)
    addresses = {service: f"http://127.0.0.1:{port_of(service)}/docs" for service in SERVICES}
    say(json.dumps(addresses | {"storefront": f"http://127.0.0.1:{port_of('marketplace')}/"}, indent=2))
    for line in sign_in.guide(sign_in.keycloak_base(s), f"http://127.0.0.1:{port_of('enrolment')}"):
        say(line)


def stop(names: list[str], s: settings.Settings) -> None:
    """Stop these, services before the servers they use; signals are ignored meanwhile, so a second Ctrl-C
    cannot leave half the platform running."""
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for service in [name for name in [*reversed(SERVICES), RECEIVER] if name in names]:
            say(stop_service(service, s))
        for name in [name for name in reversed(infra.SERVERS) if name in names]:
            say(infra.down(name, s))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def down(s: settings.Settings) -> None:
    stop([RECEIVER, *SERVICES, *infra.SERVERS], s)


def status(s: settings.Settings) -> bool:
    healthy = True
    for name in infra.SERVERS:
        ready, line = infra.status(name, s)
        healthy &= ready
        print(line)
    for service in [RECEIVER, *SERVICES]:
        body = health(service, "ready")
        healthy &= body is not None
        print(f"{service}: {'ready' if body is not None else 'not ready'} at http://127.0.0.1:{port_of(service)}")
    return healthy


def run(s: settings.Settings) -> None:
    """Up in the foreground; Ctrl-C (or SIGTERM), or a failure, stops what this command started."""
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    started: list[str] = []
    try:
        up(s, started)
        say("platform running; Ctrl-C stops it")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        say("\nstopping")
    finally:
        say(f"stopping what this command started: {', '.join(started) or 'nothing'}")
        stop(started, s)


def up_in_background(s: settings.Settings) -> None:
    """Up, leaving it running; if it fails, stop what this command started."""
    started: list[str] = []
    try:
        up(s, started)
    except BaseException:
        say(f"stopping what this command started: {', '.join(started) or 'nothing'}")
        stop(started, s)
        raise


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command not in ("run", "up", "down", "status"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        s = settings.load()
        if command == "status":
            return 0 if status(s) else 1
        {"run": run, "up": up_in_background, "down": down}[command](s)
    except InfraError as error:
        print(f"stack: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
