"""The console's tests: the real enrolment service checking the real Keycloak's tokens, the console in front of it,
and Debian's Chromium."""

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser

from services.enrolment.main import EnrolmentSettings
from services.enrolment.main import create_app as create_enrolment
from tests.support.browser import chromium
from tests.support.console import issuer_of, running_console
from tests.support.infrastructure import Infrastructure
from tests.support.services import RunningService, serving, settings_for


@pytest.fixture
async def enrolment(infrastructure: Infrastructure, namespace: str) -> AsyncIterator[RunningService]:
    """Enrolment trusting the realm's tokens (the console calls it with the person's own)."""
    settings = settings_for(EnrolmentSettings, infrastructure, namespace, oidc_issuer=issuer_of(infrastructure))
    async with serving(create_enrolment(settings)) as service:
        yield service


@pytest.fixture
async def console(
    infrastructure: Infrastructure, namespace: str, enrolment: RunningService
) -> AsyncIterator[RunningService]:
    async with running_console(infrastructure, namespace, services={"enrolment": enrolment}) as service:
        yield service


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched
