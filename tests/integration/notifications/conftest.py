"""The notifications service as the webhook tests run it: loopback receivers allowed, clocks shortened."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from services.notifications.main import NotificationsSettings, create_app
from tests.support.infrastructure import Infrastructure
from tests.support.notifications import FAST
from tests.support.services import RunningService, serving, settings_for

Start = Callable[..., AbstractAsyncContextManager[RunningService]]


@pytest.fixture
def start_notifications(infrastructure: Infrastructure, namespace: str) -> Start:
    """Start (and, in a test of restarts, start again) the service on the test's topics and database."""

    def start(**overrides: Any) -> AbstractAsyncContextManager[RunningService]:
        settings = settings_for(NotificationsSettings, infrastructure, namespace, **{**FAST, **overrides})
        return serving(create_app(settings))

    return start


@pytest.fixture
async def webhooks(start_notifications: Start) -> AsyncIterator[RunningService]:
    async with start_notifications() as service:
        yield service
