"""The consumer loop with reactions written for the test: retries, give-up, and readiness on a stall."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from pymongo.errors import OperationFailure, WriteConcernError

from services.production.main import ProductionSettings
from shared.contracts.enrolment import ParticipantRegistered
from shared.http.app import create_service_app
from shared.messaging.envelope import Envelope
from shared.messaging.reactions import On, Reaction, Reactions
from shared.messaging.registry import EventData
from shared.runtime import ServiceRuntime
from shared.storage.database import Transaction
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import dead_letters, publish, registered
from tests.support.services import RunningService, eventually, serving, settings_for


@asynccontextmanager
async def service_reacting_with(
    reaction: Reaction[EventData], infrastructure: Infrastructure, namespace: str, **settings: float
) -> AsyncIterator[RunningService]:
    configured = settings_for(ProductionSettings, infrastructure, namespace, **settings)
    runtime = ServiceRuntime(
        configured,
        publishes="production.events",
        consumes=["enrolment.events"],
        reactions=Reactions(On(ParticipantRegistered, reaction)),
        indexes={},
    )
    async with serving(create_service_app(runtime=runtime, routers=[], title="test", description="")) as service:
        yield service


def failing(times: int, attempts: list[str]) -> Reaction[EventData]:
    async def react(tx: Transaction, envelope: Envelope, payload: EventData) -> None:
        attempts.append(envelope.id)
        if len(attempts) <= times:
            raise RuntimeError(f"attempt {len(attempts)} fails")
        await tx.db["effects"].insert_one({"event_id": envelope.id}, session=tx.session)

    return react


async def test_a_reaction_that_fails_twice_then_succeeds_is_handled_once(
    infrastructure: Infrastructure, namespace: str
) -> None:
    attempts: list[str] = []
    async with service_reacting_with(failing(2, attempts), infrastructure, namespace) as service:
        await publish(infrastructure, f"{namespace}enrolment.events", [(b"p-1", registered("p-1"))])
        effects = service.runtime.database.db["effects"]
        await eventually(lambda: effects.find_one({}))
        assert len(attempts) == 3
        assert await effects.count_documents({}) == 1


async def test_a_reaction_that_keeps_failing_is_dead_lettered_after_the_last_attempt(
    infrastructure: Infrastructure, namespace: str
) -> None:
    attempts: list[str] = []
    topic = f"{namespace}enrolment.events"
    async with service_reacting_with(failing(99, attempts), infrastructure, namespace, consumer_max_attempts=3):
        await publish(infrastructure, topic, [(b"p-1", registered("p-1"))])
        [letter] = await eventually(lambda: dead_letters(infrastructure, f"{topic}.dlq"))
    assert len(attempts) == 3
    assert letter["headers"]["dlq.reason"] == "handler failed 3 times, last: RuntimeError"  # never its message


def hanging(release: asyncio.Event) -> Reaction[EventData]:
    async def react(tx: Transaction, envelope: Envelope, payload: EventData) -> None:
        await release.wait()

    return react


async def test_readiness_fails_while_the_consumer_makes_no_progress_and_recovers_after(
    infrastructure: Infrastructure, namespace: str
) -> None:
    release = asyncio.Event()
    reaction = hanging(release)
    async with service_reacting_with(reaction, infrastructure, namespace, consumer_stall_seconds=1.0) as service:
        await eventually(lambda: readiness(service.http, lambda status: status == 200))
        await publish(infrastructure, f"{namespace}enrolment.events", [(b"p-1", registered("p-1"))])
        stalled = await eventually(lambda: readiness(service.http, lambda status: status == 503))
        assert stalled.json()["checks"]["consumer"].startswith("no progress for")
        release.set()
        await eventually(lambda: readiness(service.http, lambda status: status == 200))


async def readiness(http: httpx.AsyncClient, wanted: Callable[[int], bool]) -> httpx.Response | None:
    response = await http.get("/health/ready")
    return response if wanted(response.status_code) else None


UNAVAILABLE = {
    "not primary": OperationFailure("not primary", code=10107),
    "write concern not met": WriteConcernError("waiting for replication timed out", 64, {}),
    "disk full": OperationFailure("no space left on device", code=14031),
    "authentication failed": OperationFailure("Authentication failed.", code=18),
}


def unavailable_until(release: asyncio.Event, error: Exception, attempts: list[str]) -> Reaction[EventData]:
    async def react(tx: Transaction, envelope: Envelope, payload: EventData) -> None:
        attempts.append(envelope.id)
        if not release.is_set():
            raise error
        await tx.db["effects"].insert_one({"event_id": envelope.id}, session=tx.session)

    return react


@pytest.mark.parametrize("error", UNAVAILABLE, ids=list(UNAVAILABLE))
async def test_an_unavailable_database_is_waited_out_unready_and_never_dead_letters_the_event(
    infrastructure: Infrastructure, namespace: str, error: str
) -> None:
    release, attempts = asyncio.Event(), []
    reaction = unavailable_until(release, UNAVAILABLE[error], attempts)
    topic = f"{namespace}enrolment.events"
    async with service_reacting_with(reaction, infrastructure, namespace, consumer_max_attempts=2) as service:
        await publish(infrastructure, topic, [(b"p-1", registered("p-1"))])
        await eventually(lambda: _more_than(3, attempts))
        waiting = await eventually(lambda: consumer_check(service.http, "waiting for the database"))
        assert waiting.status_code == 503
        release.set()
        effects = service.runtime.database.db["effects"]
        await eventually(lambda: effects.find_one({}))
        await eventually(lambda: readiness(service.http, lambda status: status == 200))
        assert await effects.count_documents({}) == 1
    assert await dead_letters(infrastructure, f"{topic}.dlq") == []


async def consumer_check(http: httpx.AsyncClient, starting: str) -> httpx.Response | None:
    response = await http.get("/health/ready")
    return response if response.json()["checks"]["consumer"].startswith(starting) else None


async def _more_than(count: int, attempts: list[str]) -> bool:
    return len(attempts) > count


async def test_an_errors_message_reaches_neither_a_log_line_nor_the_dead_letter(
    infrastructure: Infrastructure, namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    quoted = "3201010101010001"  # as a database's duplicate-key message quotes the key's value

    async def react(tx: Transaction, envelope: Envelope, payload: EventData) -> None:
        raise RuntimeError(f'E11000 duplicate key error collection: participants dup key: {{ nik: "{quoted}" }}')

    topic = f"{namespace}enrolment.events"
    caplog.set_level("DEBUG")
    async with service_reacting_with(react, infrastructure, namespace, consumer_max_attempts=2):
        await publish(infrastructure, topic, [(b"p-1", registered("p-1"))])
        [letter] = await eventually(lambda: dead_letters(infrastructure, f"{topic}.dlq"))
    assert letter["headers"]["dlq.reason"] == "handler failed 2 times, last: RuntimeError"
    assert quoted not in caplog.text
    assert not [record for record in caplog.records if record.exc_info and quoted in str(record.exc_info[1])]
