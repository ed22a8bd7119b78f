"""Installs the tools `make test` checks the deployment with that pip does not bring: kustomize, built from the Go
module proxy into `$CACHE_DIR/bin` (shared by every clone). hadolint, check-jsonschema and kubernetes-validate
come with the dev packages (pyproject.toml).

`python3 deploy/local/tools.py` installs what is missing and prints where kustomize is; it fails, saying why,
when it cannot (no `go`, or the build failed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

KUSTOMIZE_MODULE = "sigs.k8s.io/kustomize/kustomize/v5"
KUSTOMIZE_VERSION = "v5.8.2"  # v5.8.3 needs Go 1.27; these machines have 1.26


def cache_bin() -> Path:
    cache_dir = os.environ.get("CACHE_DIR", "").strip()
    return (Path(cache_dir) if cache_dir else Path.home() / ".cache" / "pembinaan-platform") / "bin"


def kustomize_path() -> Path:
    return cache_bin() / "kustomize"


def installed_version(binary: Path) -> str | None:
    if not binary.is_file():
        return None
    answer = subprocess.run([str(binary), "version"], capture_output=True, text=True, check=False)
    return answer.stdout.strip() if answer.returncode == 0 else None


def install_kustomize() -> Path:
    binary = kustomize_path()
    if installed_version(binary) == KUSTOMIZE_VERSION:
        return binary
    go = shutil.which("go")
    if go is None:
        raise SystemExit("kustomize cannot be installed: `go` is missing (it is built from the Go module proxy)")
    print(f"installing kustomize {KUSTOMIZE_VERSION} into {binary.parent} (go install, about a minute)", flush=True)
    binary.parent.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "GOBIN": str(binary.parent), "GOTOOLCHAIN": "local"}
    built = subprocess.run([go, "install", f"{KUSTOMIZE_MODULE}@{KUSTOMIZE_VERSION}"], env=environment, check=False)
    if built.returncode != 0 or installed_version(binary) != KUSTOMIZE_VERSION:
        raise SystemExit(f"kustomize {KUSTOMIZE_VERSION} could not be installed (go install failed)")
    return binary


if __name__ == "__main__":
    print(f"kustomize: {install_kustomize()}", file=sys.stderr)
