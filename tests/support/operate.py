"""`python -m deploy.operate` run as an operator runs it: a process of its own, on the test's topics and databases."""

import asyncio
import os
import sys
from dataclasses import dataclass

from tests.support.infrastructure import Infrastructure
from tests.support.processes import REPO


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


async def operate(infrastructure: Infrastructure, namespace: str, *args: str, **env: str) -> Outcome:
    """Run one command without blocking the event loop (the services under test keep serving meanwhile)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "deploy.operate",
        *args,
        cwd=REPO,
        env={
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": infrastructure.kafka_bootstrap_servers,
            "MONGODB_URL": infrastructure.mongodb_url,
            "KAFKA_TOPIC_PREFIX": namespace,
            **env,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return Outcome(process.returncode, out.decode(), err.decode())
