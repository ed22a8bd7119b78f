"""Services killed outright (SIGKILL) in the middle of their work lose nothing and apply nothing twice."""

import asyncio
import signal
import socket
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from shared.database import ServiceDatabase
from tests.support.infrastructure import Infrastructure
from tests.support.outbox import fill_outbox
from tests.support.processes import start_service, wait_ready
from tests.support.services import eventually

EVENTS = 3000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        process.kill()
        process.wait(timeout=30)


async def test_a_relay_and_a_consumer_killed_mid_batch_lose_nothing_and_apply_nothing_twice(
    infrastructure: Infrastructure, namespace: str, processes: list[subprocess.Popen[bytes]]
) -> None:
    servers = {"kafka": infrastructure.kafka_bootstrap_servers, "mongodb": infrastructure.mongodb_url}
    ports = {"enrolment": free_port(), "notifications": free_port()}
    client: AsyncMongoClient[Any] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)
    enrolment_db = ServiceDatabase(
        client=client, name=f"{namespace}enrolment", source="/services/enrolment", topic=f"{namespace}enrolment.events"
    )
    feed = client[f"{namespace}notifications"]["event_feed"]
    outbox = enrolment_db.db["outbox"]

    def start(name: str) -> None:
        # small batches, so that a kill lands between a batch's sends and its marks, or inside a handled chunk
        settings = {"outbox_batch_size": "50"} if name == "enrolment" else {"consumer_batch_size": "20"}
        processes.append(start_service(name, ports[name], namespace, **servers, **settings))

    async def at_least(count: int, collection: Any, query: dict[str, Any]) -> bool:
        return await collection.count_documents(query) >= count

    try:
        start("notifications")
        await wait_ready(f"http://127.0.0.1:{ports['notifications']}")
        subjects = await fill_outbox(enrolment_db, EVENTS)
        start("enrolment")

        await eventually(lambda: at_least(EVENTS // 4, outbox, {"published_at": {"$ne": None}}))
        processes[-1].send_signal(signal.SIGKILL)  # the relay, mid-stream
        await eventually(lambda: at_least(EVENTS // 8, feed, {}))
        processes[0].send_signal(signal.SIGKILL)  # the consumer, mid-stream
        start("enrolment")
        await asyncio.sleep(1)
        start("notifications")

        await eventually(lambda: at_least(EVENTS, feed, {}), timeout=120)
        await asyncio.sleep(2)  # anything sent twice would land by now
        entries = await feed.find({}, projection={"subject": True, "event_id": True}).to_list()
    finally:
        await client.close()
    assert len(entries) == EVENTS
    assert sorted(entry["subject"] for entry in entries) == sorted(subjects)
    assert len({entry["event_id"] for entry in entries}) == EVENTS
