"""Each role signed in at the real Keycloak (a demo user by password through `pembinaan-tests`, a system by client
credentials) reads with its token what docs/roles.md's table says: the realm's roles and mappers give the claims
the table assumes. Each answers as a key minted with the role's realm roles and claims does (the table's walk,
test_roles.py, pins those), and the cells the table names are checked by name."""

import base64
import json
from typing import Any

import httpx
import pytest

from deploy.keycloak.realm import DEMO_PASSWORD
from services.enrolment.main import EnrolmentSettings
from services.enrolment.main import create_app as create_enrolment
from tests.support.enrolment import STAFF_SCOPES, known_facility, registered_participant
from tests.support.infrastructure import Infrastructure
from tests.support.role_worlds import (
    CUSTODY,
    ENDPOINT_OWNERS,
    PROGRAMME_EVENT,
    PUBLIC,
    answers,
    enrolment_world,
    marketplace_world,
    notifications_world,
    production_world,
    trusting,
)
from tests.support.roles import (
    ADMIN,
    AGENCY_STAFF,
    AGENCY_SYSTEM,
    DIRECTORATE,
    INTEGRATOR,
    OFFICER,
    REPORTING,
    TRAINER,
    Role,
)
from tests.support.services import RunningService, serving, settings_for

INSUFFICIENT = 'Bearer error="insufficient_scope", scope="{scope}"'


def issuer_of(infrastructure: Infrastructure) -> str:
    return f"{infrastructure.keycloak_url}/realms/pembinaan"


async def signed_in(infrastructure: Infrastructure, username: str) -> dict[str, str]:
    form = {"grant_type": "password", "client_id": "pembinaan-tests", "username": username, "password": DEMO_PASSWORD}
    return await token_headers(infrastructure, form)


async def token_headers(infrastructure: Infrastructure, form: dict[str, str]) -> dict[str, str]:
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(f"{issuer_of(infrastructure)}/protocol/openid-connect/token", data=form)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def token_of(infrastructure: Infrastructure, role: Role) -> dict[str, str]:
    """The role's token from Keycloak: its client's by client credentials, else its demo user's by password."""
    if role.client is None:
        return await signed_in(infrastructure, role.name)
    secret = f"demo-{role.client}-secret"
    form = {"grant_type": "client_credentials", "client_id": role.client, "client_secret": secret}
    return await token_headers(infrastructure, form)


async def world_of(name: str, infrastructure: Infrastructure, namespace: str, service: RunningService) -> Any:
    if name == "enrolment":
        return (await enrolment_world(service))[0]
    if name == "production":
        return (await production_world(infrastructure, namespace, service))[0]
    made = marketplace_world if name == "marketplace" else notifications_world
    return await made(infrastructure, namespace, service)


async def test_the_serang_officer_signed_in_at_keycloak_reads_their_facilitys_participants_and_no_others(
    infrastructure: Infrastructure, namespace: str
) -> None:
    settings = settings_for(EnrolmentSettings, infrastructure, namespace, oidc_issuer=issuer_of(infrastructure))
    async with serving(create_enrolment(settings)) as enrolment:
        staff = await enrolment.mint_key(*STAFF_SCOPES)
        admin = await enrolment.mint_key("admin")
        here = await registered_participant(enrolment, staff, facility_id="rutan-serang")
        cilegon = await known_facility(enrolment, admin, "lapas-cilegon")
        elsewhere = await registered_participant(enrolment, staff, facility_id=cilegon)
        officer = await signed_in(infrastructure, "officer.serang")

        assert (await enrolment.http.get(f"/participants/{here}", headers=officer)).status_code == 200
        assert (await enrolment.http.get(f"/participants/{elsewhere}", headers=officer)).status_code == 404
        listed = (await enrolment.http.get("/participants", headers=officer)).json()["items"]
        assert {participant["id"] for participant in listed} == {here}

        tampered = {"Authorization": officer["Authorization"][:-4] + "AAAA"}
        refused = await enrolment.http.get(f"/participants/{here}", headers=tampered)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("role", "service", "cells"),
    [
        (OFFICER, "production", {"serang site": 200, "cilegon site": 404, "figures": 403}),
        (AGENCY_STAFF, "enrolment", {"dkpp draft": 200, "fisheries draft": 404, "dkpp figures": 200}),
        (TRAINER, "enrolment", {"dkpp cohort": 200, "fisheries cohort": 404, "serang participant": 403}),
        (DIRECTORATE, "enrolment", {"cilegon participant": 200, "fisheries draft": 200, "fisheries cohort": 200}),
        (ADMIN, "marketplace", {"listings": (200, {"rutan-serang", "lapas-cilegon"}), "terms": 200}),
        (AGENCY_SYSTEM, "notifications", {"feed": (200, {PROGRAMME_EVENT, PUBLIC}), "endpoints": (200, {"dkpp"})}),
        (INTEGRATOR, "notifications", {"feed": (200, {PUBLIC}), "endpoints": (200, {"e-katalog-banten"})}),
    ],
    ids=lambda value: value.name if isinstance(value, Role) else None,
)
async def test_a_role_signed_in_at_keycloak_reads_what_the_role_table_says(
    infrastructure: Infrastructure, namespace: str, role: Role, service: str, cells: dict[str, Any]
) -> None:
    async with trusting(issuer_of(infrastructure), infrastructure, namespace, service) as running:
        probes = await world_of(service, infrastructure, namespace, running)
        key = await running.mint_key(*role.roles, name=role.name, staff=False, **role.claims)
        by_token = await answers(running, await token_of(infrastructure, role), probes)
        assert by_token == await answers(running, key, probes)
        assert {name: by_token[name] for name in cells} == cells


async def test_the_directorate_reads_everything_but_holds_no_admin_and_writes_no_reference_data(
    infrastructure: Infrastructure, namespace: str
) -> None:
    async with trusting(issuer_of(infrastructure), infrastructure, namespace, "enrolment") as enrolment:
        token = await token_of(infrastructure, DIRECTORATE)
        # keys are minted at a service's database (deploy.operate), and `admin` is never a realm role
        assert "admin" not in realm_roles(token)
        facility = {"id": "lapas-pandeglang", "name": "Lapas Pandeglang", "kind": "lapas", "regency": "Banten"}
        refused = await enrolment.http.post("/facilities", json=facility, headers=token)
        assert refused.status_code == 403, refused.text
        assert refused.headers["www-authenticate"] == INSUFFICIENT.format(scope="reference:write")
        admitted = await enrolment.http.post(
            "/facilities", json=facility, headers=await token_of(infrastructure, ADMIN)
        )
        assert admitted.status_code == 201, admitted.text


@pytest.mark.parametrize(
    ("service", "cells"),
    [
        ("enrolment", {"every programme's figures": 200, "dkpp figures": 200}),
        ("production", {"figures": 200, "cilegon site": 200}),
        ("marketplace", {"settlement report": 200, "terms": 403}),
        ("notifications", {"feed": (200, {PROGRAMME_EVENT, CUSTODY, PUBLIC}), "endpoints": (200, ENDPOINT_OWNERS)}),
    ],
)
async def test_the_directorates_reporting_system_reads_figures_at_every_service_and_writes_nothing(
    infrastructure: Infrastructure, namespace: str, service: str, cells: dict[str, Any]
) -> None:
    async with trusting(issuer_of(infrastructure), infrastructure, namespace, service) as running:
        probes = await world_of(service, infrastructure, namespace, running)
        by_token = await answers(running, await token_of(infrastructure, REPORTING), probes)
        shown = {name: by_token[name] if name in ("feed", "endpoints") else status(by_token[name]) for name in cells}
        assert shown == cells


def realm_roles(headers: dict[str, str]) -> list[str]:
    payload = headers["Authorization"].removeprefix("Bearer ").split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    roles: list[str] = claims["realm_access"]["roles"]
    return roles


def status(answer: Any) -> int:
    return answer[0] if isinstance(answer, tuple) else int(answer)
