"""The command-line tools deploy/local/tools.py installs (`make test` runs it first); a missing one fails the test."""

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def _tools() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_tools", REPO / "deploy/local/tools.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pinned(binary: Path, version: str) -> Path:
    found = _tools().installed_version(binary)
    assert found == version, f"{binary.name} {version} is not at {binary} ({found}): python3 deploy/local/tools.py"
    return binary


def kustomize() -> Path:
    tools = _tools()
    return _pinned(tools.kustomize_path(), tools.KUSTOMIZE_VERSION)


def docker_compose() -> Path:
    tools = _tools()
    return _pinned(tools.compose_path(), tools.COMPOSE_VERSION)
