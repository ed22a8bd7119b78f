"""Installs the tools `make test` checks the deployment with that pip does not bring, built from the Go module proxy
into `$CACHE_DIR/bin` (shared by every clone): kustomize, and Docker Compose's CLI (`docker-compose config` needs no
Docker engine; its module and exclusions are pinned in deploy/local/compose/go.mod). hadolint, check-jsonschema and
kubernetes-validate come with the dev packages (pyproject.toml).

`python3 deploy/local/tools.py` installs what is missing and says where; it fails, saying why, when it cannot
(no `go`, or a build failed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

KUSTOMIZE_MODULE = "sigs.k8s.io/kustomize/kustomize/v5"
KUSTOMIZE_VERSION = "v5.8.2"  # v5.8.3 needs Go 1.27; these machines have 1.26
COMPOSE_MODULE = Path(__file__).resolve().parent / "compose"
COMPOSE_VERSION = "v5.6.0"  # as in compose/go.mod; v5.7 needs Go 1.26.10


def cache_bin() -> Path:
    cache_dir = os.environ.get("CACHE_DIR", "").strip()
    return (Path(cache_dir) if cache_dir else Path.home() / ".cache" / "pembinaan-platform") / "bin"


def kustomize_path() -> Path:
    return cache_bin() / "kustomize"


def compose_path() -> Path:
    return cache_bin() / "docker-compose"


def installed_version(binary: Path) -> str | None:
    """The version a binary reports (`kustomize version`: v5.8.2; `docker-compose version`: ... version v5.6.0)."""
    if not binary.is_file():
        return None
    answer = subprocess.run([str(binary), "version"], capture_output=True, text=True, check=False)
    return answer.stdout.split()[-1] if answer.returncode == 0 and answer.stdout.strip() else None


def go_build(binary: Path, version: str, command: list[str], *, cwd: Path | None = None) -> Path:
    if installed_version(binary) == version:
        return binary
    go = shutil.which("go")
    if go is None:
        raise SystemExit(f"{binary.name} cannot be installed: `go` is missing (it is built from the Go module proxy)")
    print(f"installing {binary.name} {version} into {binary.parent} (a minute or two)", flush=True)
    binary.parent.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "GOBIN": str(binary.parent), "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly"}
    built = subprocess.run([go, *command], env=environment, cwd=cwd, check=False)
    if built.returncode != 0 or installed_version(binary) != version:
        raise SystemExit(f"{binary.name} {version} could not be installed (go {command[0]} failed)")
    return binary


def install_kustomize() -> Path:
    return go_build(kustomize_path(), KUSTOMIZE_VERSION, ["install", f"{KUSTOMIZE_MODULE}@{KUSTOMIZE_VERSION}"])


def install_compose() -> Path:
    """Compose's module has `exclude` directives, which `go install module@version` refuses: built from a module
    of ours that names it as a tool instead."""
    stamp = f"-X github.com/docker/compose/v5/internal.Version={COMPOSE_VERSION}"
    command = ["build", "-ldflags", stamp, "-o", str(compose_path()), "github.com/docker/compose/v5/cmd"]
    return go_build(compose_path(), COMPOSE_VERSION, command, cwd=COMPOSE_MODULE)


if __name__ == "__main__":
    print(f"kustomize: {install_kustomize()}\ndocker-compose: {install_compose()}", file=sys.stderr)
