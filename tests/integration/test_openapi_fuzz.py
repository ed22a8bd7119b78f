"""Every operation of every service answers whatever its OpenAPI document allows or forbids without a 5xx."""

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import Failure, FailureGroup

from services.notifications.main import NotificationsSettings
from services.notifications.main import create_app as create_notifications
from tests.support.enrolment import enrol, opened_cohort, published_programme, registered_participant
from tests.support.infrastructure import Infrastructure
from tests.support.production import created, rack, workshop
from tests.support.services import RunningService, eventually, serving, settings_for

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
"""Examples per operation and generation mode; small by default so `make test` stays quick on 2 cores."""

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
Ids = dict[str, str]
"""Path parameter name -> the id of a real resource."""

PLANTING = {
    "programme_id": "dkpp-hidroponik-2026",
    "commodity": "kangkung",
    "started_on": "2026-12-03",
    "seed_quantity": "0.1",
    "seed_unit": "kg",
}
HARVEST = {"harvested_on": "2027-01-10", "quantity": "50", "unit": "kg"}
LOTS = {"lots": [{"lot_code": "FUZZ-A", "grade": "A", "quantity": "20", "unit": "kg", "best_before": "2027-01-14"}]}
WORKSHOP_RUN = {"programme_id": "diskoperindag-keripik", "commodity": "keripik", "started_on": "2026-12-04"}
BATCH = {"batch_code": "FUZZ-1", "units": 10, "produced_on": "2027-01-10"}


def fuzz_operation(
    operation: schemathesis.APIOperation, mode: GenerationMode, base_url: str, key: dict[str, str], ids: Ids
) -> None:
    """Raise on the first example whose response breaks a check; the same examples every run. Path ids that
    name a real resource (`ids`) take the cases past the 404 into the handlers and the database."""
    names = {parameter.name for parameter in operation.path_parameters}
    known = {name: value for name, value in ids.items() if name in names}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=known))
    def examples(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=base_url, headers=key, checks=CHECKS, timeout=30)

    examples()


def failures(schema: Any, base_url: str, key: dict[str, str], ids: Ids) -> list[str]:
    """Every operation's first failure in each mode, so one run shows them all."""
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in MODES:
            try:
                fuzz_operation(operation, mode, base_url, key, ids)
            except Unsatisfiable:
                pass  # an operation that takes no input has no invalid input to send
            except (FailureGroup, Failure, OSError) as failure:  # reported together, so one run shows them all
                found.append(f"{operation.label} [{mode.value}]: {failure}")
    return found


async def ready(service: RunningService) -> bool:
    return (await service.http.get("/health/ready")).status_code == 200


async def fuzz(service: RunningService, ids: Ids) -> None:
    key = await service.mint_key("admin")
    document = (await service.http.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    # requests are blocking: they run in a thread while this loop serves them
    found = await asyncio.to_thread(failures, schema, service.base_url, key, ids)
    assert not found, "\n\n".join(found)


async def enrolment_ids(service: RunningService) -> Ids:
    staff = await service.mint_key("admin")
    programme = await published_programme(service, staff)
    cohort = await opened_cohort(service, staff, programme["id"])
    participant_id = await registered_participant(service, staff)
    enrolled = await enrol(service, staff, participant_id, cohort["id"])
    return {
        "programme_id": programme["id"],
        "cohort_id": cohort["id"],
        "participant_id": participant_id,
        "enrolment_id": enrolled["id"],
    }


async def production_ids(service: RunningService) -> Ids:
    officer = await service.mint_key("admin")
    bed = await created(service, "/sites", rack(), officer)
    planting = {**PLANTING, "site_id": bed["id"]}
    cycle = await created(service, "/cycles", planting, officer)
    harvest = await created(service, f"/cycles/{cycle['id']}/harvests", HARVEST, officer)
    graded = await service.http.post(f"/harvests/{harvest['id']}/lots", json=LOTS, headers=officer)
    bench = await created(service, "/sites", workshop(), officer)
    run = await created(service, "/cycles", {**WORKSHOP_RUN, "site_id": bench["id"]}, officer)
    batch = await created(service, f"/cycles/{run['id']}/batches", BATCH, officer)
    return {
        "site_id": bed["id"],
        "cycle_id": cycle["id"],
        "harvest_id": harvest["id"],
        "lot_id": graded.json()[0]["id"],
        "batch_id": batch["id"],
    }


async def test_every_enrolment_operation_answers_any_input_without_a_server_error(enrolment: RunningService) -> None:
    await eventually(lambda: ready(enrolment))
    await fuzz(enrolment, await enrolment_ids(enrolment))


async def test_every_production_operation_answers_any_input_without_a_server_error(production: RunningService) -> None:
    await eventually(lambda: ready(production))
    await fuzz(production, await production_ids(production))


async def test_every_marketplace_operation_answers_any_input_without_a_server_error(
    marketplace: RunningService,
) -> None:
    await eventually(lambda: ready(marketplace))
    await fuzz(marketplace, {})


@pytest.fixture
async def notifications_to_loopback(infrastructure: Infrastructure, namespace: str) -> AsyncIterator[RunningService]:
    """Webhooks may reach loopback (a closed port: test-sends answer at once)."""
    loopback = {"webhook_allowed_networks": ["127.0.0.0/8"], "webhook_any_port": True, "webhook_timeout_seconds": 2}
    settings = settings_for(NotificationsSettings, infrastructure, namespace, **loopback)
    async with serving(create_notifications(settings)) as service:
        yield service


async def notifications_ids(service: RunningService) -> Ids:
    staff = await service.mint_key("admin")
    granted = {"event_types": ["production.*"]}
    assert (await service.http.put("/subscriptions/dkpp", json=granted, headers=staff)).status_code == 200
    dkpp = await service.mint_key("endpoints:write", agency_id="dkpp")
    hooked = {"url": "http://127.0.0.1:9/hooks", "event_types": ["production.*"]}
    endpoint = await created(service, "/endpoints", hooked, dkpp)
    return {"agency_id": "dkpp", "endpoint_id": endpoint["id"]}


async def test_every_notifications_operation_answers_any_input_without_a_server_error(
    notifications_to_loopback: RunningService,
) -> None:
    await eventually(lambda: ready(notifications_to_loopback))
    await fuzz(notifications_to_loopback, await notifications_ids(notifications_to_loopback))
