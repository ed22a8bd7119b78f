"""A server the project cannot start says why in one line, and the command exits non-zero."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.infrastructure import INFRA
from tests.support.private_servers import free_port

# a program holding a port; its command line spans lines, as a script's can
OCCUPIER = """import socket, time
s = socket.create_server(('127.0.0.1', 0))
print(s.getsockname()[1], flush=True)
time.sleep(120)"""


@pytest.mark.parametrize(("server", "variable"), [("kafka", "KAFKA_PORT"), ("mongo", "MONGODB_PORT")])
def test_a_port_held_by_another_program_is_named_in_one_line_and_up_fails(
    tmp_path: Path, server: str, variable: str
) -> None:
    occupier = subprocess.Popen([sys.executable, "-c", OCCUPIER], stdout=subprocess.PIPE, text=True)
    try:
        assert occupier.stdout is not None
        taken = int(occupier.stdout.readline())
        ports = {"KAFKA_PORT": free_port(), "KAFKA_CONTROLLER_PORT": free_port(), "MONGODB_PORT": free_port()}
        env = {**os.environ, **{name: str(port) for name, port in ports.items()}, variable: str(taken)}
        env["DATA_DIR"] = str(tmp_path)
        for given in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URL"):
            env.pop(given, None)
        result = subprocess.run(
            [sys.executable, str(INFRA), "up", server], env=env, capture_output=True, text=True, timeout=120
        )
    finally:
        occupier.kill()
        occupier.wait()
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert f"port {taken} is in use by pid {occupier.pid}" in line
    assert variable in line
