"""How to sign in to the local stack, read from the realm file Keycloak imports (so it never disagrees); stdlib only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from keycloak_server import REALM, REALM_FILE

HARDCODED = "oidc-hardcoded-claim-mapper"
REACH = ("facility_id", "agency_id", "trainer_id", "integrator_id")
STAFF = "platform:staff"
ACCESS_TOKEN = """python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'"""


def keycloak_base(s: Any) -> str:
    """Keycloak's address: KEYCLOAK_URL when one runs elsewhere, else the local server's port."""
    return (s.keycloak_url or f"http://127.0.0.1:{s.keycloak_port}").rstrip("/")


def people(realm: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(username, role, reach, password) of each demo user; service accounts are clients, listed apart."""
    found = []
    for user in realm["users"]:
        if "serviceAccountClientId" in user:
            continue
        reach = " ".join(f"{claim}={values[0]}" for claim, values in user.get("attributes", {}).items())
        password = next((c["value"] for c in user.get("credentials", []) if c.get("type") == "password"), "")
        found.append((user["username"], ", ".join(user.get("realmRoles", [])), reach, password))
    return found


def machines(realm: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(client id, roles, reach, secret) of each client-credentials client; its roles are its service account's."""
    accounts = [user for user in realm["users"] if "serviceAccountClientId" in user]
    roles = {account["serviceAccountClientId"]: account["realmRoles"] for account in accounts}
    found = []
    for client in realm["clients"]:
        if not client.get("serviceAccountsEnabled"):
            continue
        held = roles.get(client["clientId"], [])
        claims = [m["config"] for m in client.get("protocolMappers", []) if m.get("protocolMapper") == HARDCODED]
        reach = " ".join(f"{c['claim.name']}={c['claim.value']}" for c in claims if c["claim.name"] in REACH)
        reach = reach or ("platform:staff" if STAFF in held else "nothing")
        found.append((client["clientId"], ", ".join(held), reach, client.get("secret", "")))
    return found


def guide(base: str, enrolment_url: str, realm_file: Path = REALM_FILE) -> list[str]:
    """The lines `make run` prints: where to sign in, the demo users and clients, and a token by curl."""
    realm = json.loads(realm_file.read_text())
    issuer = f"{base}/realms/{REALM}"
    token_url = f"{issuer}/protocol/openid-connect/token"
    lines = [
        f"sign in (Keycloak, realm {REALM}; demo accounts, for this machine only):",
        f"  Keycloak         {base}  (admin console {base}/admin: KEYCLOAK_ADMIN_USER, admin unless set)",
        f"  account console  {issuer}/account",
        "  demo users (username, role, reach, password):",
        *(f"    {name:<20} {role:<17} {reach or '-':<27} {password}" for name, role, reach, password in people(realm)),
        "  client-credentials clients (client id, reach, secret; roles):",
        *(f"    {client:<28} {reach:<31} {secret}; {roles}" for client, roles, reach, secret in machines(realm)),
    ]
    client, _, _, secret = machines(realm)[0]
    username, _, _, password = people(realm)[0]
    return [
        *lines,
        "  a client's token, and a read with it:",
        f"    TOKEN=$(curl -s -d grant_type=client_credentials -d client_id={client} -d client_secret={secret} \\",
        f"      {token_url} | {ACCESS_TOKEN})",
        f'    curl -H "Authorization: Bearer $TOKEN" {enrolment_url}/programmes',
        "  a demo user's token (the password grant is allowed only to the test client pembinaan-tests):",
        f"    curl -s -d grant_type=password -d client_id=pembinaan-tests -d username={username}"
        f" -d password={password} {token_url}",
    ]
