"""Walks every row of docs/roles.md's "Across the services" table at each service, once with keys and once with
access tokens: each role as the realm gives it (tests/support/roles.py), the services trusting a stand-in issuer.
A probe answers its status, and for a list it reaches, what it lists; both kinds of credential answer the same."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.infrastructure import Infrastructure
from tests.support.role_worlds import (
    CUSTODY,
    ENDPOINT_OWNERS,
    PROGRAMME_EVENT,
    PUBLIC,
    Probe,
    enrolment_world,
    marketplace_world,
    notifications_world,
    production_world,
    trusting,
)
from tests.support.role_worlds import (
    answers as answers_to,
)
from tests.support.roles import (
    ADMIN,
    AGENCY_STAFF,
    AGENCY_SYSTEM,
    DIRECTORATE,
    INTEGRATOR,
    KINDS,
    OFFICER,
    REPORTING,
    ROWS,
    TRAINER,
    UNREACHING,
    Kind,
    credential,
)
from tests.support.services import RunningService
from tests.support.tokens import Issuer, running_issuer


@pytest.fixture
async def issuer() -> AsyncIterator[Issuer]:
    async with running_issuer() as issuer:
        yield issuer


async def walked(
    kind: Kind, service: RunningService, issuer: Issuer, probes: dict[str, Probe]
) -> dict[str, tuple[Any, ...]]:
    """Every row's answers to the probes, by the row's name."""
    answers = {}
    for role in ROWS:
        headers = await credential(kind, role, service, issuer)
        answers[role.name] = tuple((await answers_to(service, headers, probes)).values())
    return answers


def table(**columns: tuple[Any, ...]) -> dict[str, tuple[Any, ...]]:
    """Expected answers by row; the two agency rows (a person and a system) answer alike."""
    rows = {
        ADMIN.name: columns["admin"],
        DIRECTORATE.name: columns["directorate"],
        REPORTING.name: columns.get("reporting", columns["directorate"]),
        OFFICER.name: columns["officer"],
        AGENCY_STAFF.name: columns["agency"],
        AGENCY_SYSTEM.name: columns["agency"],
        TRAINER.name: columns["trainer"],
        INTEGRATOR.name: columns["integrator"],
        UNREACHING.name: columns["unreaching"],
    }
    assert list(rows) == [role.name for role in ROWS]
    return rows


@pytest.mark.parametrize("kind", KINDS)
async def test_enrolment_follows_the_role_table(
    infrastructure: Infrastructure, namespace: str, issuer: Issuer, kind: Kind
) -> None:
    async with trusting(issuer.url, infrastructure, namespace, "enrolment") as enrolment:
        probes, dkpp_programme = await enrolment_world(enrolment)
        everything = (200, 200, 200, 200, 200, 200, 200, (200, {dkpp_programme}))
        expected = table(
            # serang participant, cilegon participant, dkpp draft, fisheries draft, dkpp cohort, fisheries cohort,
            # dkpp programme's figures, every programme's figures
            admin=everything,
            directorate=everything,
            officer=(200, 404, 404, 404, 200, 200, 403, 403),
            agency=(403, 403, 200, 404, 200, 404, 200, 403),
            trainer=(403, 403, 404, 404, 200, 404, 403, 403),
            integrator=(403, 403, 403, 403, 403, 403, 403, 403),
            unreaching=(404, 404, 404, 404, 404, 404, 404, (200, set())),
        )
        assert await walked(kind, enrolment, issuer, probes) == expected


@pytest.mark.parametrize("kind", KINDS)
async def test_production_follows_the_role_table(
    infrastructure: Infrastructure, namespace: str, issuer: Issuer, kind: Kind
) -> None:
    async with trusting(issuer.url, infrastructure, namespace, "production") as production:
        probes, dkpp, fisheries = await production_world(infrastructure, namespace, production)
        everything = (200, 200, (200, {"rutan-serang", "lapas-cilegon"}), (200, {dkpp, fisheries}))
        expected = table(
            # serang site, cilegon site, sites listed (by facility), figures (by programme)
            admin=everything,
            directorate=everything,
            officer=(200, 404, (200, {"rutan-serang"}), 403),
            agency=(403, 403, 403, (200, {dkpp})),
            trainer=(403, 403, 403, 403),
            integrator=(403, 403, 403, 403),
            unreaching=(404, 404, (200, set()), (200, set())),
        )
        assert await walked(kind, production, issuer, probes) == expected


@pytest.mark.parametrize("kind", KINDS)
async def test_marketplace_follows_the_role_table(
    infrastructure: Infrastructure, namespace: str, issuer: Issuer, kind: Kind
) -> None:
    async with trusting(issuer.url, infrastructure, namespace, "marketplace") as marketplace:
        probes = await marketplace_world(infrastructure, namespace, marketplace)
        expected = table(
            # listings managed (by facility), settlement report, a programme's terms set, orders
            admin=((200, {"rutan-serang", "lapas-cilegon"}), 200, 200, (200, set())),
            directorate=(403, 200, 403, 403),
            officer=((200, {"rutan-serang"}), 200, 403, (200, set())),
            agency=(403, 200, 403, 403),
            trainer=(403, 403, 403, 403),
            integrator=(403, 403, 403, (200, set())),
            unreaching=((200, set()), 200, 403, (200, set())),
        )
        assert await walked(kind, marketplace, issuer, probes) == expected


@pytest.mark.parametrize("kind", KINDS)
async def test_notifications_follow_the_role_table(
    infrastructure: Infrastructure, namespace: str, issuer: Issuer, kind: Kind
) -> None:
    async with trusting(issuer.url, infrastructure, namespace, "notifications") as notifications:
        probes = await notifications_world(infrastructure, namespace, notifications)
        whole_feed, every_endpoint = (200, {PROGRAMME_EVENT, CUSTODY, PUBLIC}), (200, ENDPOINT_OWNERS)
        expected = table(
            # the feed (by event type), endpoints (by owner), a subscription granted
            admin=(whole_feed, every_endpoint, 200),
            directorate=(whole_feed, every_endpoint, 403),
            officer=(403, 403, 403),
            agency=((200, {PROGRAMME_EVENT, PUBLIC}), (200, {"dkpp"}), 403),
            trainer=(403, 403, 403),
            integrator=((200, {PUBLIC}), (200, {"e-katalog-banten"}), 403),
            unreaching=(403, 403, 403),
        )
        assert await walked(kind, notifications, issuer, probes) == expected
