"""Manifests checked against real schemas: Kubernetes kinds with kubernetes-validate's bundled schemas, Strimzi's
KafkaTopic and the Keycloak Operator's KeycloakRealmImport with the schemas of their CRDs (deploy/kubernetes/schemas),
compose files with the Compose Specification's schema."""

import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

from tests.deploy.installed import REPO, docker_compose

KUBERNETES_VERSION = "1.34.0"
SCHEMAS = REPO / "deploy/kubernetes/schemas"
STRIMZI_CRD = SCHEMAS / "strimzi-kafkatopic-crd.yaml"
KEYCLOAK_REALM_IMPORT_CRD = SCHEMAS / "keycloak-realmimport-crd.yaml"
CRDS = {"kafka.strimzi.io": [STRIMZI_CRD], "k8s.keycloak.org": [KEYCLOAK_REALM_IMPORT_CRD]}
# the Keycloak Operator's Keycloak CRD is published only outside the registries these machines reach (README.md)
NOT_VENDORED = {("k8s.keycloak.org", "Keycloak")}
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def problems(document: dict[str, Any]) -> list[str]:
    """What is wrong with one manifest, or nothing; unknown fields count as wrong, as with kubectl's strict mode."""
    group, _, version = document.get("apiVersion", "").rpartition("/")
    if group in CRDS:
        return _custom_resource_problems(document, group, version)
    try:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [f"{'/'.join(map(str, error.path))}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [f"no Kubernetes {KUBERNETES_VERSION} schema: {error}"]
    return []


def _custom_resource_problems(document: dict[str, Any], group: str, version: str) -> list[str]:
    kind = document.get("kind")
    if (group, kind) in NOT_VENDORED:
        return [f"{group} {kind}: its CRD is not vendored, nothing checks it"]
    crds = {crd["spec"]["names"]["kind"]: crd for crd in map(_crd, CRDS[group])}
    if kind not in crds:
        return [f"{document['apiVersion']} {kind} is none of {sorted(crds)}"]
    validator = _validator(crds[kind]["metadata"]["name"], version)
    if validator is None:
        return [f"{crds[kind]['metadata']['name']} serves no version {version}"]
    return [f"{'/'.join(map(str, error.path))}: {error.message}" for error in validator.iter_errors(document)]


@cache
def _crd(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


@cache
def _validator(crd_name: str, version: str) -> jsonschema.Draft7Validator | None:
    [crd] = [crd for paths in CRDS.values() for crd in map(_crd, paths) if crd["metadata"]["name"] == crd_name]
    served = {entry["name"]: entry for entry in crd["spec"]["versions"] if entry["served"]}
    if version not in served:
        return None
    schema = _closed(served[version]["schema"]["openAPIV3Schema"])
    # what Kubernetes gives every object, whether its CRD names it (Strimzi's does) or not (Fabric8's does not)
    implicit = {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"}}
    schema["properties"] = {**implicit, **schema["properties"]}
    return jsonschema.Draft7Validator(schema)


def _closed(schema: Any) -> Any:
    """The schema refusing fields it does not name, where Kubernetes would drop them (structural pruning)."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: _closed(value) for key, value in schema.items() if not key.startswith("x-kubernetes-")}
    if "properties" in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
        closed.setdefault("additionalProperties", False)
    return closed


def compose_config_problems(compose_file: Path) -> str:
    """What Docker Compose's own CLI says of a compose file (`config` parses, interpolates and checks it without an
    engine); empty when it takes the file."""
    command = [str(docker_compose()), "--project-directory", str(REPO), "-f", str(compose_file), "config", "--quiet"]
    checked = subprocess.run(command, capture_output=True, text=True, check=False)
    return "" if checked.returncode == 0 else checked.stdout + checked.stderr


def compose_problems(compose_file: Path) -> str:
    """check-jsonschema's verdict on a compose file against the Compose Specification (vendored by check-jsonschema
    from the compose-spec project); empty when the file conforms."""
    assert CHECK_JSONSCHEMA.is_file(), f"{CHECK_JSONSCHEMA} is missing: pip install -e '.[dev]'"
    command = [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(compose_file)]
    checked = subprocess.run(command, capture_output=True, text=True, check=False)
    return "" if checked.returncode == 0 else checked.stdout + checked.stderr
