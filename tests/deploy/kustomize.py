"""Overlays rendered with the real kustomize, installed by deploy/local/tools.py."""

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
KUBERNETES = REPO / "deploy/kubernetes"
OVERLAYS = ["local", "production"]


def _tools() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_tools", REPO / "deploy/local/tools.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def kustomize() -> Path:
    """The pinned kustomize; a missing one fails the test (`make test` installs it first)."""
    tools = _tools()
    binary: Path = tools.kustomize_path()
    version = tools.installed_version(binary)
    assert version == tools.KUSTOMIZE_VERSION, (
        f"kustomize {tools.KUSTOMIZE_VERSION} is not at {binary} (found {version}): python3 deploy/local/tools.py"
    )
    return binary


def render(folder: Path) -> list[dict[str, Any]]:
    built = subprocess.run([str(kustomize()), "build", str(folder)], capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    return [document for document in yaml.safe_load_all(built.stdout) if document]


def of_kind(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {document["metadata"]["name"]: document for document in documents if document["kind"] == kind}
