"""One request is followed across services by its id: the JSON log line of the service that handled the event
the request caused carries the request's id as its correlation id (services as separate processes, as deployed)."""

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from pymongo import AsyncMongoClient

from shared.http.api_keys import ApiKeys
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events_on
from tests.support.participants import new_registration
from tests.support.private_servers import free_port
from tests.support.processes import start_service, stop_all, wait_ready
from tests.support.services import eventually


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    stop_all(started)


def json_lines(log: Path) -> list[dict[str, Any]]:
    """Every line of the log, each of which must be one JSON object."""
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


async def test_the_service_that_handles_an_event_logs_the_request_id_that_caused_it(
    infrastructure: Infrastructure, namespace: str, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    servers = {"kafka": infrastructure.kafka_bootstrap_servers, "mongodb": infrastructure.mongodb_url}
    ports = {"enrolment": free_port(), "production": free_port()}
    logs = {name: tmp_path / f"{name}.log" for name in ports}
    for name, port in ports.items():
        processes.append(start_service(name, port, namespace, **servers, log=logs[name]))
    for port in ports.values():
        await wait_ready(f"http://127.0.0.1:{port}")
    client: AsyncMongoClient[Any] = AsyncMongoClient(infrastructure.mongodb_url)
    try:
        token = await ApiKeys(client[f"{namespace}enrolment"]).mint(
            name="test", scopes=["participants:write", "platform:staff"]
        )
        request_id, person = f"follow-{uuid4().hex}", new_registration()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports['enrolment']}") as http:
            headers = {"X-API-Key": token, "X-Request-ID": request_id}
            answer = await http.post("/participants", json=person, headers=headers)
        assert answer.status_code == 201, answer.text
    finally:
        await client.close()

    async def handled_in_production() -> list[dict[str, Any]]:
        return [
            line
            for line in json_lines(logs["production"])
            if line.get("correlation_id") == request_id and "enrolment.participant.registered" in line["message"]
        ]

    [handled] = await eventually(handled_in_production)
    published = await events_on(infrastructure, f"{namespace}enrolment.events")
    [event] = [e for e in published if e.subject == answer.json()["id"]]
    assert handled["service"] == "production"
    assert handled["logger"] == "shared.messaging.consumer"
    assert handled["event_id"] == event.id
    [access] = [line for line in json_lines(logs["enrolment"]) if line.get("request_id") == request_id]
    assert access["service"] == "enrolment"
    assert access["correlation_id"] == request_id
    assert "POST /participants 201" in access["message"]
    for value in (person["full_name"], person["nik"], person["registration_number"]):
        assert value not in logs["production"].read_text() + logs["enrolment"].read_text()
