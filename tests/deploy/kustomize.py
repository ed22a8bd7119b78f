"""Overlays rendered with the real kustomize."""

import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.installed import REPO, kustomize

KUBERNETES = REPO / "deploy/kubernetes"
OVERLAYS = ["local", "production"]


def render(folder: Path) -> list[dict[str, Any]]:
    built = subprocess.run([str(kustomize()), "build", str(folder)], capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    return [document for document in yaml.safe_load_all(built.stdout) if document]


def of_kind(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {document["metadata"]["name"]: document for document in documents if document["kind"] == kind}
