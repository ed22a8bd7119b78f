"""The `pembinaan` realm as code: `python -m deploy.keycloak.realm` writes deploy/keycloak/pembinaan-realm.json (the
Kubernetes realm imports are rendered from it by deploy/keycloak/realm_imports.py)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REALM_FILE = Path(__file__).resolve().parent / "pembinaan-realm.json"
AUDIENCE = "pembinaan-services"
DEMO_PASSWORD = "Demo-Pembinaan-2026"  # demo only: the realm's users and secrets are for a laptop, never production
BRUTE_FORCE_FAILURES = 5
ACCESS_TOKEN_SECONDS = 300
REACH_CLAIMS = ("facility_id", "agency_id", "trainer_id")
STAFF = "platform:staff"
LOCAL_CONSOLE = "http://127.0.0.1:8000"

SCOPES = {
    "participants:read": "read participants (enrolment)",
    "participants:write": "register participants (enrolment)",
    "programmes:read": "read programmes (enrolment)",
    "programmes:write": "define, revise and publish programmes (enrolment)",
    "cohorts:read": "read cohorts (enrolment)",
    "cohorts:write": "open, start, close and resize cohorts (enrolment)",
    "enrolments:read": "read enrolments (enrolment)",
    "enrolments:write": "request and change enrolments (enrolment)",
    "attendance:write": "record attendance (enrolment)",
    "assessments:write": "record assessments (enrolment)",
    "reference:read": "read reference data (enrolment)",
    "reference:write": "change reference data (enrolment)",
    "figures:read": "read aggregate figures (enrolment, production)",
    "reports:read": "read reports (enrolment)",
    "production:read": "read production (production)",
    "production:write": "record production (production)",
    "listings:write": "publish listings (marketplace)",
    "orders:write": "place orders (marketplace)",
    "orders:manage": "fulfil and cancel orders (marketplace)",
    "settlement:read": "read settlement (marketplace)",
    "settlement:write": "settle (marketplace)",
    "events:read": "read the event feed (notifications)",
    "subscriptions:write": "grant agencies event subscriptions (notifications)",
    "endpoints:read": "read webhook endpoints (notifications)",
    "endpoints:write": "register webhook endpoints (notifications)",
    STAFF: "platform staff: reach is not limited by a facility, agency or trainer",
}
READS = [scope for scope in SCOPES if scope.endswith(":read")]
PERSON_ROLES = {
    "facility-officer": [
        *("participants:read", "participants:write", "programmes:read", "cohorts:read", "cohorts:write"),
        *("enrolments:read", "enrolments:write", "attendance:write", "assessments:write", "reference:read"),
        *("production:read", "production:write", "listings:write", "orders:manage", "settlement:read"),
    ],
    "trainer": ["programmes:read", "cohorts:read", "enrolments:read", "attendance:write", "assessments:write"],
    "agency-staff": [
        *("programmes:read", "programmes:write", "cohorts:read", "cohorts:write", "enrolments:read"),
        *("enrolments:write", "attendance:write", "assessments:write", "reference:read", "events:read"),
        *("endpoints:read", "endpoints:write", "figures:read", "settlement:read"),
    ],
    "directorate": [*READS, "programmes:write", "cohorts:write", "enrolments:write", STAFF],
    "platform-admin": list(SCOPES),
}
DIRECTORATE_REPORTING = [*(s for s in PERSON_ROLES["directorate"] if s.endswith(":read")), STAFF]
"""The directorate's reporting system: the directorate's reads, staff's reach (no attribute is not everything), no
write scope."""
AGENCIES = {"dkpp": "DKPP", "dinas-perikanan": "Dinas Perikanan", "diskoperindag": "Diskoperindag"}
FACILITIES = {"rutan-serang": "Rutan Serang"}


def attribute_mapper(claim: str) -> dict[str, Any]:
    """A user's attribute as a top-level string claim of the same name."""
    return {
        "name": claim,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": {
            "user.attribute": claim,
            "claim.name": claim,
            "jsonType.label": "String",
            "access.token.claim": "true",
            "id.token.claim": "true",
            "userinfo.token.claim": "true",
            "introspection.token.claim": "true",
        },
    }


def hardcoded_mapper(claim: str, value: str) -> dict[str, Any]:
    """A client's fixed reach, e.g. agency_id=dkpp on its client-credentials tokens."""
    return {
        "name": claim,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {
            "claim.name": claim,
            "claim.value": value,
            "jsonType.label": "String",
            "access.token.claim": "true",
            "id.token.claim": "false",
            "introspection.token.claim": "true",
        },
    }


def audience_mapper() -> dict[str, Any]:
    """Puts `pembinaan-services` into the access token's `aud` (a mapper on each client: a realm file that
    declares client scopes replaces Keycloak's built-in ones, which give the roles and `sub`)."""
    return {
        "name": "audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {
            "included.custom.audience": AUDIENCE,
            "access.token.claim": "true",
            "id.token.claim": "false",
            "introspection.token.claim": "true",
        },
    }


PERSON_MAPPERS = [audience_mapper(), *(attribute_mapper(claim) for claim in REACH_CLAIMS)]


def demo_secret(client_id: str) -> str:
    return f"demo-{client_id}-secret"


def service_client(client_id: str, name: str, claim: str | None, value: str, secret: str) -> dict[str, Any]:
    """A confidential client-credentials client for a machine, its reach hardcoded."""
    return {
        "clientId": client_id,
        "name": name,
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "secret": secret,
        "serviceAccountsEnabled": True,
        "standardFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "implicitFlowEnabled": False,
        "protocolMappers": [audience_mapper(), *([hardcoded_mapper(claim, value)] if claim else [])],
    }


MACHINES: dict[str, tuple[str, str | None, str, list[str]]] = {
    "agency-dkpp": ("DKPP's system", "agency_id", "dkpp", ["agency-staff"]),
    "agency-dinas-perikanan": ("Dinas Perikanan's system", "agency_id", "dinas-perikanan", ["agency-staff"]),
    "agency-diskoperindag": ("Diskoperindag's system", "agency_id", "diskoperindag", ["agency-staff"]),
    "directorate-reporting": ("The directorate's reporting", None, "", DIRECTORATE_REPORTING),
    "integrator-e-katalog-banten": (
        "e-Katalog Banten",
        "integrator_id",
        "e-katalog-banten",
        ["events:read", "orders:write", "endpoints:read", "endpoints:write"],
    ),
}


def clients(
    *, console_url: str = LOCAL_CONSOLE, secret: Callable[[str], str] = demo_secret, demo: bool = True
) -> list[dict[str, Any]]:
    """The console, the machines and (in a demo realm only) the sign-in tests' password-grant client."""
    console = {
        "clientId": "console",
        "name": "The platform's console",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "secret": secret("console"),
        "standardFlowEnabled": True,
        "directAccessGrantsEnabled": False,
        "implicitFlowEnabled": False,
        "serviceAccountsEnabled": False,
        "redirectUris": [f"{console_url}/*"],
        "webOrigins": [console_url],
        "attributes": {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": f"{console_url}/*"},
        "protocolMappers": PERSON_MAPPERS,
    }
    tests = {  # the only client allowed the password grant: the sign-in tests use it, nothing else may
        "clientId": "pembinaan-tests",
        "name": "Sign-in tests (password grant; local and demo realms only)",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": True,
        "standardFlowEnabled": False,
        "directAccessGrantsEnabled": True,
        "implicitFlowEnabled": False,
        "protocolMappers": PERSON_MAPPERS,
    }
    machines = [
        service_client(cid, name, claim, value, secret(cid)) for cid, (name, claim, value, _) in MACHINES.items()
    ]
    return [console, *([tests] if demo else []), *machines]


def person(username: str, first: str, last: str, role: str, groups: list[str], **reach: str) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "email": f"{username}@pembinaan.example",
        "emailVerified": True,
        "firstName": first,
        "lastName": last,
        "attributes": {claim: [value] for claim, value in reach.items()},
        "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
        "realmRoles": [role],
        "groups": groups,
    }


def service_accounts() -> list[dict[str, Any]]:
    """The machine clients' service-account users: not people, no credential; they carry the clients' roles."""
    return [
        {
            "username": f"service-account-{client_id}",
            "enabled": True,
            "serviceAccountClientId": client_id,
            "realmRoles": roles,
        }
        for client_id, (_, _, _, roles) in MACHINES.items()
    ]


def demo_people() -> list[dict[str, Any]]:
    """One person per role, all with the demo password: a laptop's realm only."""
    return [
        person(
            "officer.serang",
            "Officer",
            "Serang",
            "facility-officer",
            ["/facilities/rutan-serang"],
            facility_id="rutan-serang",
        ),
        person("trainer.dkpp", "Trainer", "DKPP", "trainer", ["/trainers"], trainer_id="dkpp-trainer-1"),
        person("staff.dkpp", "Staff", "DKPP", "agency-staff", ["/agencies/dkpp"], agency_id="dkpp"),
        person(
            "staff.perikanan",
            "Staff",
            "Perikanan",
            "agency-staff",
            ["/agencies/dinas-perikanan"],
            agency_id="dinas-perikanan",
        ),
        person(
            "staff.diskoperindag",
            "Staff",
            "Diskoperindag",
            "agency-staff",
            ["/agencies/diskoperindag"],
            agency_id="diskoperindag",
        ),
        person("directorate.demo", "Directorate", "Demo", "directorate", ["/directorate"]),
        person("admin.platform", "Platform", "Admin", "platform-admin", ["/platform"]),
    ]


def groups() -> list[dict[str, Any]]:
    def group(group_name: str, roles: list[str], **attributes: str) -> dict[str, Any]:
        return {"name": group_name, "realmRoles": roles, "attributes": {k: [v] for k, v in attributes.items()}}

    agencies = [group(agency, [], agency_id=agency, title=title) for agency, title in AGENCIES.items()]
    facilities = [group(f, [], facility_id=f, title=title) for f, title in FACILITIES.items()]
    return [
        {"name": "agencies", "subGroups": agencies},
        {"name": "facilities", "subGroups": facilities},
        group("trainers", []),
        group("directorate", []),
        group("platform", []),
    ]


def user_profile() -> str:
    """Declared attributes: reach attributes are seen by the user but only an administrator sets them."""

    def attribute(name: str, validations: dict[str, Any], edit: list[str]) -> dict[str, Any]:
        return {
            "name": name,
            "displayName": name,
            "validations": validations,
            "permissions": {"view": ["admin", "user"], "edit": edit},
            "multivalued": False,
        }

    person_name = {"length": {"max": 255}, "person-name-prohibited-characters": {}}
    config = {
        "unmanagedAttributePolicy": "ADMIN_VIEW",
        "attributes": [
            attribute(
                "username",
                {
                    "length": {"min": 3, "max": 255},
                    "username-prohibited-characters": {},
                    "up-username-not-idn-homograph": {},
                },
                ["admin", "user"],
            ),
            attribute("email", {"email": {}, "length": {"max": 255}}, ["admin", "user"]),
            attribute("firstName", person_name, ["admin", "user"]),
            attribute("lastName", person_name, ["admin", "user"]),
            *(attribute(claim, {"length": {"max": 100}}, ["admin"]) for claim in REACH_CLAIMS),
        ],
        "groups": [],
    }
    return json.dumps(config, separators=(",", ":"))


def realm(
    *, console_url: str = LOCAL_CONSOLE, secret: Callable[[str], str] = demo_secret, demo: bool = True
) -> dict[str, Any]:
    """The realm; `demo=False` leaves out the people and the password-grant client (a cluster's realm)."""
    roles: list[dict[str, Any]] = [{"name": s, "description": about} for s, about in SCOPES.items()]
    roles += [
        {"name": role, "composite": True, "composites": {"realm": scopes}, "description": f"a person: {role}"}
        for role, scopes in PERSON_ROLES.items()
    ]
    return {
        "realm": "pembinaan",
        "displayName": "Pembinaan",
        "enabled": True,
        "sslRequired": "external",
        "registrationAllowed": False,
        "resetPasswordAllowed": False,
        "loginWithEmailAllowed": False,
        "accessTokenLifespan": ACCESS_TOKEN_SECONDS,
        "ssoSessionIdleTimeout": 1800,
        "ssoSessionMaxLifespan": 36000,
        "passwordPolicy": (
            "length(12) and notUsername(undefined) and notEmail(undefined) and upperCase(1) and lowerCase(1)"
            " and digits(1) and passwordHistory(3)"
        ),
        "bruteForceProtected": True,
        "permanentLockout": False,
        "failureFactor": BRUTE_FORCE_FAILURES,
        "waitIncrementSeconds": 60,
        "maxFailureWaitSeconds": 900,
        "minimumQuickLoginWaitSeconds": 60,
        "quickLoginCheckMilliSeconds": 1000,
        "maxDeltaTimeSeconds": 43200,
        "roles": {"realm": roles},
        "groups": groups(),
        "clients": clients(console_url=console_url, secret=secret, demo=demo),
        "users": [*(demo_people() if demo else []), *service_accounts()],
        "components": {
            "org.keycloak.userprofile.UserProfileProvider": [
                {"providerId": "declarative-user-profile", "config": {"kc.user.profile.config": [user_profile()]}}
            ]
        },
    }


def render() -> str:
    return json.dumps(realm(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    REALM_FILE.write_text(render())
    print(f"wrote {REALM_FILE}", file=sys.stderr)
