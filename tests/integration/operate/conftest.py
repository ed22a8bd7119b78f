"""The notifications service as the runbook's webhook procedures meet it: loopback receivers allowed."""

from collections.abc import AsyncIterator

import pytest

from services.notifications.main import NotificationsSettings, create_app
from tests.support.infrastructure import Infrastructure
from tests.support.notifications import FAST
from tests.support.services import RunningService, serving, settings_for


@pytest.fixture
async def webhooks(infrastructure: Infrastructure, namespace: str) -> AsyncIterator[RunningService]:
    async with serving(create_app(settings_for(NotificationsSettings, infrastructure, namespace, **FAST))) as service:
        yield service
