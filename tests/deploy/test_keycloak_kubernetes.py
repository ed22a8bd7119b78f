"""Keycloak in Kubernetes: the operator's resources, the realm generated from realm.py, its PostgreSQL, and the
services' OIDC settings that make them accept the tokens it issues."""

import copy
import json
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from deploy.keycloak import realm, realm_imports
from shared.settings import ServiceSettings
from tests.deploy import platform, schemas
from tests.deploy.installed import REPO
from tests.deploy.kustomize import KUBERNETES, OVERLAYS, of_kind, render

Documents = list[dict[str, Any]]
OPERATOR_PODS = {"app": "keycloak", "app.kubernetes.io/managed-by": "keycloak-operator"}


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> tuple[str, Documents]:
    return request.param, render(KUBERNETES / "overlays" / request.param)


def the(documents: Documents, kind: str, name: str) -> dict[str, Any]:
    return of_kind(documents, kind)[name]


def issuer_of(documents: Documents) -> str:
    [settings] = [c for name, c in of_kind(documents, "ConfigMap").items() if name.startswith("platform-settings")]
    issuer: str = settings["data"]["OIDC_ISSUER"]
    return issuer


def test_the_committed_realm_imports_are_what_realm_py_renders() -> None:
    for path, text in realm_imports.rendered().items():
        assert path.read_text() == text, f"{path} is stale: python -m deploy.keycloak.realm_imports"


def test_a_realm_import_that_keycloaks_schema_refuses_is_refused() -> None:
    imported = the(render(KUBERNETES / "base"), "KeycloakRealmImport", "pembinaan")
    assert schemas.problems(imported) == []
    misspelt = copy.deepcopy(imported)
    misspelt["spec"]["realm"]["clients"][0]["redirectUri"] = ["https://console.pembinaan.example/*"]
    mistyped = copy.deepcopy(imported)
    mistyped["spec"]["realm"]["accessTokenLifespan"] = "300"
    unnamed = copy.deepcopy(imported)
    del unnamed["spec"]["keycloakCRName"]
    for refused in [misspelt, mistyped, unnamed, {**imported, "apiVersion": "k8s.keycloak.org/v1"}]:
        assert schemas.problems(refused) != []


def test_the_cluster_realm_has_no_people_no_password_grant_and_reads_every_client_secret_from_the_secret() -> None:
    imported = the(render(KUBERNETES / "overlays/production"), "KeycloakRealmImport", "pembinaan")
    cluster_realm = imported["spec"]["realm"]
    assert all("serviceAccountClientId" in user and "credentials" not in user for user in cluster_realm["users"])
    assert not any(client.get("directAccessGrantsEnabled") for client in cluster_realm["clients"])
    confidential = {c["clientId"]: c["secret"] for c in cluster_realm["clients"] if not c["publicClient"]}
    placeholders = imported["spec"]["placeholders"]
    for client_id, secret in confidential.items():
        name = secret.removeprefix("${").removesuffix("}")
        assert placeholders[name] == {"secret": {"name": "keycloak-client-secrets", "key": client_id}}
    assert realm.DEMO_PASSWORD not in json.dumps(imported)
    assert "demo-" not in json.dumps(imported)
    [console] = [client for client in cluster_realm["clients"] if client["clientId"] == "console"]
    assert console["redirectUris"] == ["https://console.pembinaan.example/*"]


def test_the_local_realm_is_the_demo_realm_of_realm_py() -> None:
    imported = the(render(KUBERNETES / "overlays/local"), "KeycloakRealmImport", "pembinaan")
    assert imported["spec"]["realm"] == realm.realm()
    assert "placeholders" not in imported["spec"]


def test_keycloak_runs_the_composed_image_on_http_behind_the_ingress_with_health_and_metrics(
    overlay: tuple[str, Documents],
) -> None:
    _, documents = overlay
    spec = the(documents, "Keycloak", "keycloak")["spec"]
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert spec["image"] == compose["services"]["keycloak"]["image"] == "quay.io/keycloak/keycloak:26.7.3"
    assert spec["http"] == {"httpEnabled": True, "httpPort": 8080}
    assert spec["proxy"] == {"headers": "xforwarded"}
    assert spec["ingress"] == {"enabled": False}
    assert spec["networkPolicy"] == {"enabled": False}
    options = {option["name"]: option["value"] for option in spec["additionalOptions"]}
    assert options["health-enabled"] == options["metrics-enabled"] == "true"
    for probe in ["startupProbe", "livenessProbe", "readinessProbe"]:
        assert set(spec[probe]) == {"periodSeconds", "failureThreshold"}, probe
    assert set(spec["resources"]) == {"requests", "limits"}


def test_every_service_accepts_the_tokens_of_the_realm_at_the_keycloak_host(overlay: tuple[str, Documents]) -> None:
    _, documents = overlay
    keycloak = the(documents, "Keycloak", "keycloak")["spec"]
    imported = the(documents, "KeycloakRealmImport", "pembinaan")["spec"]
    config_maps = of_kind(documents, "ConfigMap")
    for service, deployment in of_kind(documents, "Deployment").items():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        sources = [ref["configMapRef"]["name"] for ref in container["envFrom"]]
        given = {key: value for name in sources for key, value in config_maps[name]["data"].items()}
        given |= {env["name"]: env.get("value", "from-a-secret") for env in container["env"]}
        accepted = platform.SETTINGS[service](**given)
        assert isinstance(accepted, ServiceSettings)
        assert accepted.oidc_issuer == f"{keycloak['hostname']['hostname']}/realms/{imported['realm']['realm']}"
        assert accepted.oidc_audience == realm.AUDIENCE
        keys = urlparse(accepted.jwks_url)
        assert (keys.hostname, keys.port) == ("keycloak-service", keycloak["http"]["httpPort"]), service
        assert keys.path == f"/realms/{imported['realm']['realm']}/protocol/openid-connect/certs"


def test_the_ingress_routes_the_issuers_host_to_the_operators_service(overlay: tuple[str, Documents]) -> None:
    name, documents = overlay
    host = urlparse(issuer_of(documents)).hostname
    ingress = the(documents, "Ingress", "pembinaan")["spec"]
    [rule] = [rule for rule in ingress["rules"] if rule["host"] == host]
    [path] = rule["http"]["paths"]
    assert path["backend"]["service"] == {"name": "keycloak-service", "port": {"name": "http"}}
    if name == "production":
        assert urlparse(issuer_of(documents)).scheme == "https"
        assert host in ingress["tls"][0]["hosts"]


def test_only_the_ingress_the_services_and_prometheus_reach_keycloak_and_only_keycloak_its_database(
    overlay: tuple[str, Documents],
) -> None:
    _, documents = overlay
    policy = the(documents, "NetworkPolicy", "keycloak")["spec"]
    assert policy["podSelector"]["matchLabels"] == OPERATOR_PODS
    by_port = {port["port"]: rule["from"] for rule in policy["ingress"] for port in rule["ports"]}
    assert set(by_port) == {8080, 9000, 7800, 57800}
    assert by_port[8080] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}},
        {
            "podSelector": {
                "matchLabels": {"app.kubernetes.io/part-of": "pembinaan", "app.kubernetes.io/component": "service"}
            }
        },
    ]
    assert by_port[9000][0]["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "monitoring"}
    assert by_port[7800] == by_port[57800] == [{"podSelector": {"matchLabels": OPERATOR_PODS}}]
    database = the(documents, "NetworkPolicy", "keycloak-postgres")["spec"]
    [rule] = database["ingress"]
    assert rule["ports"] == [{"port": 5432, "protocol": "TCP"}]
    assert database["egress"] == []
    [source] = rule["from"]
    assert source["podSelector"]["matchLabels"] == {"app.kubernetes.io/managed-by": "keycloak-operator"}
    for service in platform.SERVICES:
        egress = the(documents, "NetworkPolicy", service)["spec"]["egress"]
        assert {
            "to": [{"podSelector": {"matchLabels": OPERATOR_PODS}}],
            "ports": [{"port": 8080, "protocol": "TCP"}],
        } in egress


def test_keycloak_and_its_database_share_one_secret_and_address(overlay: tuple[str, Documents]) -> None:
    name, documents = overlay
    database = the(documents, "Keycloak", "keycloak")["spec"]["db"]
    postgres = the(documents, "StatefulSet", "keycloak-postgres")["spec"]
    [container] = postgres["template"]["spec"]["containers"]
    env = {variable["name"]: variable for variable in container["env"]}
    assert env["POSTGRES_USER"]["valueFrom"]["secretKeyRef"] == database["usernameSecret"]
    assert env["POSTGRES_PASSWORD"]["valueFrom"]["secretKeyRef"] == database["passwordSecret"]
    assert database["usernameSecret"]["name"] == "keycloak-postgres"
    assert env["POSTGRES_DB"]["value"] == database["database"]
    assert (database["vendor"], database["host"]) == ("postgres", postgres["serviceName"])
    assert the(documents, "Service", database["host"])["spec"]["ports"][0]["port"] == database["port"]
    if name == "local":  # generated without a hash: the Keycloak names it in a field kustomize does not rewrite
        assert set(the(documents, "Secret", "keycloak-postgres")["data"]) == {"username", "password"}


def test_the_database_is_pinned_probed_bounded_and_non_root_on_a_read_only_root(overlay: tuple[str, Documents]) -> None:
    _, documents = overlay
    postgres = the(documents, "StatefulSet", "keycloak-postgres")["spec"]
    pod = postgres["template"]["spec"]
    [container] = pod["containers"]
    image, _, tag = container["image"].partition(":")
    assert image == "postgres"
    assert tag.replace(".", "").isdigit()
    assert {"startupProbe", "livenessProbe", "readinessProbe"} <= set(container)
    assert set(container["resources"]) == {"requests", "limits"}
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    [claim] = postgres["volumeClaimTemplates"]
    assert {"name": claim["metadata"]["name"], "mountPath": "/var/lib/postgresql/data"} in container["volumeMounts"]
