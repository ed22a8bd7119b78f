"""The four services, each started for one test on its own topics and databases."""

from collections.abc import AsyncIterator

import pytest

from services.enrolment.main import EnrolmentSettings
from services.enrolment.main import create_app as create_enrolment
from services.marketplace.main import MarketplaceSettings
from services.marketplace.main import create_app as create_marketplace
from services.notifications.main import NotificationsSettings
from services.notifications.main import create_app as create_notifications
from services.production.main import ProductionSettings
from services.production.main import create_app as create_production
from tests.support.infrastructure import Infrastructure
from tests.support.services import RunningService, serving, settings_for


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/integration/" in str(item.path):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
async def enrolment(infrastructure: Infrastructure, namespace: str) -> AsyncIterator[RunningService]:
    async with serving(create_enrolment(settings_for(EnrolmentSettings, infrastructure, namespace))) as service:
        yield service


@pytest.fixture
async def production(infrastructure: Infrastructure, namespace: str) -> AsyncIterator[RunningService]:
    async with serving(create_production(settings_for(ProductionSettings, infrastructure, namespace))) as service:
        yield service


@pytest.fixture
async def marketplace(infrastructure: Infrastructure, namespace: str) -> AsyncIterator[RunningService]:
    settings = settings_for(MarketplaceSettings, infrastructure, namespace)
    async with serving(create_marketplace(settings)) as service:
        yield service


@pytest.fixture
async def notifications(infrastructure: Infrastructure, namespace: str) -> AsyncIterator[RunningService]:
    settings = settings_for(NotificationsSettings, infrastructure, namespace)
    async with serving(create_notifications(settings)) as service:
        yield service
