"""The local stack stops exactly what it started: after a failed start, and after Ctrl-C with its output piped."""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.infrastructure import REPO
from tests.support.private_servers import free_port

STACK = REPO / "deploy" / "local" / "stack.py"
HOLD_PORT = """import socket, sys, time
s = socket.create_server(('127.0.0.1', int(sys.argv[1])))
print('held', flush=True)
time.sleep(300)"""
PORTS = (
    "KAFKA_PORT",
    "KAFKA_CONTROLLER_PORT",
    "MONGODB_PORT",
    "ENROLMENT_HTTP_PORT",
    "PRODUCTION_HTTP_PORT",
    "MARKETPLACE_HTTP_PORT",
    "NOTIFICATIONS_HTTP_PORT",
    "RECEIVER_HTTP_PORT",
)


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def stack_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A stack of its own: its own ports and data folder; no external servers."""
    env = {**os.environ, "DATA_DIR": str(tmp_path), **{name: str(free_port()) for name in PORTS}}
    for given in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URL"):
        env.pop(given, None)
    yield env
    subprocess.run([sys.executable, str(STACK), "down"], env=env, capture_output=True, timeout=120)


def test_a_failed_up_stops_what_it_started_and_says_so(stack_env: dict[str, str]) -> None:
    held = int(stack_env["PRODUCTION_HTTP_PORT"])
    holder = subprocess.Popen([sys.executable, "-c", HOLD_PORT, str(held)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        result = subprocess.run(
            [sys.executable, str(STACK), "up"], env=stack_env, capture_output=True, text=True, timeout=300
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode != 0
    assert "stopping what this command started: kafka, mongo, receiver, enrolment" in result.stdout, result.stdout
    assert f"port {held} is in use" in result.stderr
    started = [stack_env[name] for name in ("KAFKA_PORT", "MONGODB_PORT", "RECEIVER_HTTP_PORT", "ENROLMENT_HTTP_PORT")]
    assert [port for port in started if listening(int(port))] == []


def test_ctrl_c_with_the_output_piped_to_a_reader_that_goes_first_stops_everything(
    stack_env: dict[str, str],
) -> None:
    stack = subprocess.Popen(
        [sys.executable, str(STACK), "run"],
        env=stack_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert stack.stdout is not None
    seen = []
    for line in stack.stdout:
        seen.append(line)
        if "platform running" in line:
            break
    assert "platform running" in (seen or [""])[-1], "".join(seen)
    stack.stdout.close()  # the reader goes first, as `tee` does on Ctrl-C
    os.killpg(stack.pid, signal.SIGINT)
    assert stack.wait(timeout=180) == 0
    assert [name for name in PORTS if listening(int(stack_env[name]))] == []
