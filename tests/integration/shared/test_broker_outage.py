"""With the broker stopped, commands are still accepted; after it returns every event is published,
none twice in effect, each aggregate's events in order."""

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from services.enrolment.main import EnrolmentSettings
from services.enrolment.main import create_app as create_enrolment
from services.notifications.main import NotificationsSettings
from services.notifications.main import create_app as create_notifications
from tests.support.infrastructure import Infrastructure
from tests.support.outbox import published
from tests.support.participants import new_registration
from tests.support.private_servers import Server, private_kafka
from tests.support.services import RunningService, eventually, serving, settings_for

pytestmark = pytest.mark.outage
Broker = Server


@pytest.fixture
def broker() -> Iterator[Broker]:
    with private_kafka() as started:
        yield started


@pytest.fixture
def infrastructure_with_private_broker(infrastructure: Infrastructure, broker: Broker) -> Infrastructure:
    return Infrastructure(broker.bootstrap_servers, infrastructure.mongodb_url)


@pytest.fixture
async def enrolment_on_private_broker(
    infrastructure_with_private_broker: Infrastructure, namespace: str
) -> AsyncIterator[RunningService]:
    settings = settings_for(EnrolmentSettings, infrastructure_with_private_broker, namespace)
    async with serving(create_enrolment(settings)) as service:
        yield service


@pytest.fixture
async def notifications_on_private_broker(
    infrastructure_with_private_broker: Infrastructure, namespace: str
) -> AsyncIterator[RunningService]:
    settings = settings_for(NotificationsSettings, infrastructure_with_private_broker, namespace)
    async with serving(create_notifications(settings)) as service:
        yield service


async def test_events_accepted_during_an_outage_are_all_published_once_and_in_order_after_it(
    broker: Broker, enrolment_on_private_broker: RunningService, notifications_on_private_broker: RunningService
) -> None:
    enrolment, notifications = enrolment_on_private_broker, notifications_on_private_broker
    officer = await enrolment.mint_key("participants:write")
    reader = await notifications.mint_key("events:read")

    async def feed() -> list[dict[str, Any]]:
        params = {"limit": 500, "type": ["enrolment.participant.registered", "enrolment.participant.released"]}
        response = await notifications.http.get("/events", params=params, headers=reader)
        return list(response.json()["events"])

    await enrolment.http.post("/participants", json=new_registration(), headers=officer)
    await eventually(feed)

    await asyncio.to_thread(broker.stop)
    participant_ids = []
    for _ in range(8):
        response = await enrolment.http.post("/participants", json=new_registration(), headers=officer)
        assert response.status_code == 201, response.text
        participant_ids.append(response.json()["id"])
    for participant_id in participant_ids[::2]:
        response = await enrolment.http.post(
            f"/participants/{participant_id}/release", json={"released_on": "2026-12-01"}, headers=officer
        )
        assert response.status_code == 200, response.text
    unpublished = await enrolment.runtime.database.db["outbox"].count_documents({})
    assert unpublished >= 12
    assert (await enrolment.http.get("/health/ready")).status_code == 503

    await asyncio.to_thread(broker.start)
    expected = 1 + len(participant_ids) + len(participant_ids[::2])
    entries = await eventually(lambda: _at_least(expected, feed()), timeout=90)

    assert len(entries) == expected
    assert len({entry["event_id"] for entry in entries}) == expected
    sequences: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        sequences[entry["subject"]].append(entry["sequence"])
    for participant_id in participant_ids[::2]:
        assert sequences[participant_id] == [1, 2]
    assert await published(enrolment.runtime.database.db["outbox"], {})


async def _at_least(count: int, pending: Any) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = await pending
    return found if len(found) >= count else None


async def test_a_service_whose_broker_is_gone_still_stops(
    broker: Broker, infrastructure_with_private_broker: Infrastructure, namespace: str
) -> None:
    settings = settings_for(EnrolmentSettings, infrastructure_with_private_broker, namespace)
    async with serving(create_enrolment(settings)) as enrolment:
        officer = await enrolment.mint_key("participants:write")
        await enrolment.http.post("/participants", json=new_registration(), headers=officer)
        await eventually(lambda: published(enrolment.runtime.database.db["outbox"], {}))
        await asyncio.to_thread(broker.stop)
        response = await enrolment.http.post("/participants", json=new_registration(), headers=officer)
        assert response.status_code == 201, response.text
    # leaving `serving` stops the service, and fails the test naming it if that outlasts the grace period
