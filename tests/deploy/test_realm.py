"""The realm file Keycloak imports is the one deploy/keycloak/realm.py renders, and its machines' roles are as
docs/roles.md says: the directorate's reporting system reads as platform staff and writes nothing."""

import json

from deploy.keycloak.realm import PERSON_ROLES, REALM_FILE, STAFF, render


def service_account_roles(client_id: str) -> set[str]:
    users = json.loads(REALM_FILE.read_text())["users"]
    [account] = [user for user in users if user.get("serviceAccountClientId") == client_id]
    return set(account["realmRoles"])


def test_the_committed_realm_file_is_what_realm_py_renders() -> None:
    assert REALM_FILE.read_text() == render(), "run: python -m deploy.keycloak.realm"


def test_the_directorates_reporting_system_holds_the_directorates_reads_and_staff_reach_and_no_write() -> None:
    roles = service_account_roles("directorate-reporting")
    directorate_reads = {scope for scope in PERSON_ROLES["directorate"] if scope.endswith(":read")}
    assert roles == directorate_reads | {STAFF}
    assert {"figures:read", "reports:read", "settlement:read", "events:read", "production:read"} <= roles
    assert not [role for role in roles if role.endswith((":write", ":manage")) or role == "admin"]
