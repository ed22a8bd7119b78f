"""The Rust SecantusDB server (`secantusd-rs`), built once from crates.io into the cache (stdlib only)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from processes import last_line
from settings import Settings

CRATE = "secantus-mdb"
# Pinned: every release declares rust-version 1.98, and this one is known to build with the 1.95 here.
VERSION = "0.5.3-beta.196"


def binary(s: Settings) -> Path:
    return s.cache_dir / CRATE / VERSION / "bin" / "secantusd-rs"


def find_cargo() -> str | None:
    """cargo on PATH, else where rustup puts it (a CI shell may not have ~/.cargo/bin on PATH)."""
    home = Path(os.environ.get("CARGO_HOME", "").strip() or Path.home() / ".cargo")
    installed = home / "bin" / "cargo"
    return shutil.which("cargo") or (str(installed) if installed.exists() else None)


def ensure_built(s: Settings) -> Path | None:
    """The server binary, building it on first use; None (and why, on stdout) when it cannot be built."""
    target = binary(s)
    if target.exists():
        return target
    cargo = find_cargo()
    if cargo is None:
        print("mongo: cargo not found, so secantusd-rs cannot be built; using the Python server", flush=True)
        return None
    log_file = s.logs_dir / "secantusd-rs-build.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    print(
        f"mongo: building secantusd-rs {VERSION} once into {target.parent} (10-20 min on 2 cores; "
        "MONGODB_SERVER=python skips it); log: " + str(log_file),
        flush=True,
    )
    started = time.monotonic()
    command = [
        cargo,
        "install",
        CRATE,
        "--version",
        VERSION,
        "--ignore-rust-version",
        "--locked",
        "--root",
        str(target.parent.parent),
    ]
    with open(log_file, "wb") as log:
        built = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    if built.returncode != 0 or not target.exists():
        print(f"mongo: building secantusd-rs failed ({last_line(log_file)}); using the Python server", flush=True)
        return None
    print(f"mongo: secantusd-rs built ({time.monotonic() - started:.0f} s)", flush=True)
    return target
