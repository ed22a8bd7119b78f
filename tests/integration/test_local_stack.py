"""The local stack stops exactly what it started: after a failed start, and after Ctrl-C with its output piped; and
it tells how to sign in, with commands that work."""

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.keycloak.realm import DEMO_PASSWORD, MACHINES, demo_people
from tests.support.infrastructure import REPO, Infrastructure
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
    assert any("sign in (Keycloak, realm pembinaan" in line for line in seen), "".join(seen)
    stack.stdout.close()  # the reader goes first, as `tee` does on Ctrl-C
    os.killpg(stack.pid, signal.SIGINT)
    assert stack.wait(timeout=180) == 0
    assert [name for name in PORTS if listening(int(stack_env[name]))] == []


GUIDE = "import sys; sys.path[:0] = ['deploy/local']; import sign_in; print(*sign_in.guide(*sys.argv[1:]), sep='\\n')"
"""Runs deploy/local/sign_in.py as stack.py does, from deploy/local on the path."""


def sign_in_guide(keycloak_url: str) -> list[str]:
    """The lines `make run` prints about signing in (deploy/local/sign_in.py, as stack.py calls it)."""
    argv = [sys.executable, "-c", GUIDE, keycloak_url, "http://127.0.0.1:8001"]
    return subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=True).stdout.splitlines()


def posted_form(lines: list[str], grant: str) -> tuple[str, dict[str, str]]:
    """The URL and form of the printed curl command for `grant` (its `-d` pairs; the URL may be on the next line)."""
    at = next(index for index, line in enumerate(lines) if f"grant_type={grant}" in line)
    command = " ".join(lines[at : at + 2])
    url = re.search(r"(http://\S+/protocol/openid-connect/token)", command)
    assert url is not None, command
    return url.group(1), dict(pair.split("=", 1) for pair in re.findall(r"-d (\S+)", command))


def test_make_run_tells_how_to_sign_in_and_its_token_commands_work_at_keycloak(infrastructure: Infrastructure) -> None:
    lines = sign_in_guide(infrastructure.keycloak_url)
    text = "\n".join(lines)
    assert f"{infrastructure.keycloak_url.rstrip('/')}/realms/pembinaan/account" in text
    people = [user for user in demo_people() if "serviceAccountClientId" not in user]
    for person in people:
        [line] = [line for line in lines if line.split()[:1] == [person["username"]]]
        assert person["realmRoles"][0] in line, line
        assert DEMO_PASSWORD in line, line
    for client_id in MACHINES:
        assert f"demo-{client_id}-secret" in text
    for grant in ("client_credentials", "password"):
        url, form = posted_form(lines, grant)
        answer = httpx.post(url, data=form, timeout=30)
        assert answer.status_code == 200, (grant, answer.text)
        assert answer.json()["access_token"]
