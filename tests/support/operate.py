"""`python -m deploy.operate` run as an operator runs it: a process of its own, on the test's topics and databases."""

import asyncio
import os
import sys
from dataclasses import dataclass
from typing import Any

from bson.json_util import CANONICAL_JSON_OPTIONS, dumps

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


async def collections_as_json(db: Any, names: list[str] | None = None) -> dict[str, list[str]]:
    """Each collection's documents in `_id` order as canonical Extended JSON, so that types compare too."""
    names = names if names is not None else sorted(await db.list_collection_names())
    return {
        name: [
            dumps(document, json_options=CANONICAL_JSON_OPTIONS)
            async for document in db[name].find({}, sort=[("_id", 1)])
        ]
        for name in names
    }
