"""Every operation of every service answers whatever its OpenAPI document allows or forbids without a 5xx."""

import asyncio
import os
from typing import Any

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

from tests.support.services import RunningService, eventually

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
"""Examples per operation and generation mode; small by default so `make test` stays quick on 2 cores."""

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def fuzz_operation(
    operation: schemathesis.APIOperation, mode: GenerationMode, base_url: str, key: dict[str, str]
) -> None:
    """Raise on the first example whose response breaks a check; the same examples every run."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def examples(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=base_url, headers=key, checks=CHECKS, timeout=30)

    examples()


def failures(schema: Any, base_url: str, key: dict[str, str]) -> list[str]:
    """Every operation's first failure in each mode, so one run shows them all."""
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in MODES:
            try:
                fuzz_operation(operation, mode, base_url, key)
            except Unsatisfiable:
                pass  # an operation that takes no input has no invalid input to send
            except (FailureGroup, Failure, OSError) as failure:  # reported together, so one run shows them all
                found.append(f"{operation.label} [{mode.value}]: {failure}")
    return found


async def ready(service: RunningService) -> bool:
    return (await service.http.get("/health/ready")).status_code == 200


async def fuzz(service: RunningService) -> None:
    await eventually(lambda: ready(service))  # readiness answers 503 until Kafka is connected, as documented
    key = await service.mint_key("admin")
    document = (await service.http.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    # requests are blocking: they run in a thread while this loop serves them
    found = await asyncio.to_thread(failures, schema, service.base_url, key)
    assert not found, "\n\n".join(found)


async def test_every_enrolment_operation_answers_any_input_without_a_server_error(enrolment: RunningService) -> None:
    await fuzz(enrolment)


async def test_every_production_operation_answers_any_input_without_a_server_error(production: RunningService) -> None:
    await fuzz(production)


async def test_every_marketplace_operation_answers_any_input_without_a_server_error(
    marketplace: RunningService,
) -> None:
    await fuzz(marketplace)


async def test_every_notifications_operation_answers_any_input_without_a_server_error(
    notifications: RunningService,
) -> None:
    await fuzz(notifications)
