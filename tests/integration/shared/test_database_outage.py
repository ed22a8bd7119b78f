"""With the database server stopped and restarted while a relay and a consumer are busy, nothing is lost,
nothing is applied twice, nothing is dead-lettered, and readiness tells the truth throughout."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from services.enrolment.main import EnrolmentSettings
from services.enrolment.main import create_app as create_enrolment
from services.notifications.main import NotificationsSettings
from services.notifications.main import create_app as create_notifications
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import dead_letters
from tests.support.outbox import REGISTRATIONS, fill_outbox
from tests.support.private_servers import Server, private_mongodb
from tests.support.services import RunningService, eventually, serving, settings_for

pytestmark = pytest.mark.outage
EVENTS = 2000


@pytest.fixture
def database_server() -> Iterator[Server]:
    with private_mongodb() as started:
        yield started


@pytest.fixture
def on_private_database(infrastructure: Infrastructure, database_server: Server) -> Infrastructure:
    return Infrastructure(infrastructure.kafka_bootstrap_servers, database_server.url)


@pytest.fixture
async def notifications(on_private_database: Infrastructure, namespace: str) -> AsyncIterator[RunningService]:
    settings = settings_for(NotificationsSettings, on_private_database, namespace, consumer_batch_size=50)
    async with serving(create_notifications(settings)) as service:
        yield service


async def test_a_database_outage_mid_stream_loses_nothing_and_dead_letters_nothing(
    infrastructure: Infrastructure,
    on_private_database: Infrastructure,
    namespace: str,
    database_server: Server,
    notifications: RunningService,
) -> None:
    enrolment_settings = settings_for(EnrolmentSettings, on_private_database, namespace, outbox_batch_size=100)
    enrolment_app = create_enrolment(enrolment_settings)
    async with serving(enrolment_app) as enrolment:
        subjects = await fill_outbox(enrolment.runtime.database, EVENTS)
        feed = notifications.runtime.database.db["event_feed"]
        await eventually(lambda: _at_least(EVENTS // 10, feed))

        await asyncio.to_thread(database_server.stop)
        unready = await eventually(lambda: _readiness(notifications, 503))
        assert unready["checks"]["mongodb"] != "ok"
        await asyncio.sleep(3)  # the relay and the consumer keep trying meanwhile
        await asyncio.to_thread(database_server.start)

        await eventually(lambda: _at_least(EVENTS, feed), timeout=120)
        await eventually(lambda: _readiness(notifications, 200))
        await eventually(lambda: _readiness(enrolment, 200))
        entries = await feed.find(REGISTRATIONS, projection={"subject": True}).to_list()
    assert sorted(entry["subject"] for entry in entries) == sorted(subjects)
    assert await dead_letters(infrastructure, f"{namespace}enrolment.events.dlq") == []


async def _at_least(count: int, feed: Any) -> bool:
    try:
        return bool(await feed.count_documents(REGISTRATIONS) >= count)
    except Exception:  # the database is away for a while in this test
        return False


async def _readiness(service: RunningService, status: int) -> dict[str, Any] | None:
    response = await service.http.get("/health/ready")
    body: dict[str, Any] = response.json()
    return body if response.status_code == status else None
