"""The roles of docs/roles.md's "Across the services" table as the realm gives them (deploy/keycloak/realm.py),
and each as either kind of credential: a key minted with the role's scopes and attributes, or an access token
with the same realm roles and claims, signed by the stand-in issuer the services under test trust."""

from dataclasses import dataclass, field
from typing import Literal

from deploy.keycloak import realm
from tests.support.services import RunningService
from tests.support.tokens import Issuer

Kind = Literal["key", "token"]
KINDS: tuple[Kind, ...] = ("key", "token")
DEFAULT_ROLES = ("default-roles-pembinaan", "offline_access", "uma_authorization")
"""Keycloak puts these in every token of the realm; they are no scope any service checks."""


@dataclass(frozen=True)
class Role:
    """Who a row of the table is: realm roles (composites expanded, as Keycloak writes them into a token) and the
    reach claims; `client` names a client-credentials client, else the user is a person."""

    name: str
    roles: tuple[str, ...]
    claims: dict[str, str] = field(default_factory=dict)
    client: str | None = None


def expanded(roles: list[str]) -> tuple[str, ...]:
    composites = [scope for role in roles for scope in realm.PERSON_ROLES.get(role, [])]
    return tuple(dict.fromkeys([*roles, *composites, *DEFAULT_ROLES]))


def person(username: str) -> Role:
    [user] = [user for user in [*realm.demo_people(), *realm.service_accounts()] if user["username"] == username]
    claims = {claim: values[0] for claim, values in user["attributes"].items()}
    return Role(username, expanded(user["realmRoles"]), claims)


def machine(client_id: str) -> Role:
    _, claim, value, roles = realm.MACHINES[client_id]
    return Role(client_id, expanded(roles), {claim: value} if claim else {}, client=client_id)


ADMIN = person("admin.platform")
DIRECTORATE = person("directorate.demo")
REPORTING = machine("directorate-reporting")
OFFICER = person("officer.serang")
AGENCY_STAFF = person("staff.dkpp")
AGENCY_SYSTEM = machine("agency-dkpp")
TRAINER = person("trainer.dkpp")
INTEGRATOR = machine("integrator-e-katalog-banten")
UNREACHING = Role("every scope, no attribute, no platform:staff", tuple(s for s in realm.SCOPES if s != realm.STAFF))
"""The table's last row: no realm user is it, so a caller holding every scope but staff's proves that reach,
not scopes, leaves it with nothing."""

ROWS = (ADMIN, DIRECTORATE, REPORTING, OFFICER, AGENCY_STAFF, AGENCY_SYSTEM, TRAINER, INTEGRATOR, UNREACHING)


async def credential(kind: Kind, role: Role, service: RunningService, issuer: Issuer) -> dict[str, str]:
    """Headers carrying `role` as a key minted at `service`, or as a token of the issuer."""
    if kind == "key":
        return await service.mint_key(*role.roles, name=role.name, staff=False, **role.claims)
    names = (
        {"azp": role.client, "client_id": role.client, "preferred_username": f"service-account-{role.client}"}
        if role.client
        else {"azp": "console", "preferred_username": role.name}
    )
    return {"Authorization": f"Bearer {issuer.token(roles=list(role.roles), **names, **role.claims)}"}
