"""Manifests checked against real schemas: Kubernetes kinds with kubernetes-validate's bundled schemas, Strimzi's
KafkaTopic with the schema of Strimzi's own CRD, compose files with the Compose Specification's schema."""

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
STRIMZI_CRD = REPO / "deploy/kubernetes/schemas/strimzi-kafkatopic-crd.yaml"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def problems(document: dict[str, Any]) -> list[str]:
    """What is wrong with one manifest, or nothing; unknown fields count as wrong, as with kubectl's strict mode."""
    if document.get("apiVersion", "").startswith("kafka.strimzi.io/"):
        return _strimzi_problems(document)
    try:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [f"{'/'.join(map(str, error.path))}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [f"no Kubernetes {KUBERNETES_VERSION} schema: {error}"]
    return []


def _strimzi_problems(document: dict[str, Any]) -> list[str]:
    crd = yaml.safe_load(STRIMZI_CRD.read_text())
    group, _, version = document["apiVersion"].partition("/")
    if group != crd["spec"]["group"] or document.get("kind") != crd["spec"]["names"]["kind"]:
        return [f"{document['apiVersion']} {document.get('kind')} is not {crd['metadata']['name']}"]
    validator = _strimzi_validator(version)
    if validator is None:
        return [f"Strimzi's CRD serves no version {version}"]
    return [f"{'/'.join(map(str, error.path))}: {error.message}" for error in validator.iter_errors(document)]


@cache
def _strimzi_validator(version: str) -> jsonschema.Draft7Validator | None:
    crd = yaml.safe_load(STRIMZI_CRD.read_text())
    served = {entry["name"]: entry for entry in crd["spec"]["versions"] if entry["served"]}
    if version not in served:
        return None
    return jsonschema.Draft7Validator(_closed(served[version]["schema"]["openAPIV3Schema"]))


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
