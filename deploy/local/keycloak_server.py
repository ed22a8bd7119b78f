"""Keycloak from Maven Central (keycloak-quarkus-dist), built once into the cache, started optimized; stdlib only."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from processes import InfraError, cmdline
from settings import REPO, Settings

NAME = "keycloak"
REALM = "pembinaan"
REALM_FILE = REPO / "deploy" / "keycloak" / "pembinaan-realm.json"
ARTIFACT = "org.keycloak:keycloak-quarkus-dist"
BUILD_OPTIONS = ["--db=dev-file", "--health-enabled=true"]
"""Build-time options: `kc.sh build` runs again only when these (or the version) change."""


def well_known(host: str, port: int, timeout: float = 2.0) -> str | None:
    """The realm's issuer if its OpenID configuration answers, else None."""
    url = f"http://{host}:{port}/realms/{REALM}/.well-known/openid-configuration"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            issuer = json.load(response).get("issuer")
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return f"realm {REALM}, issuer {issuer}" if isinstance(issuer, str) else None


def parse_url(url: str) -> tuple[str, int]:
    found = re.fullmatch(r"http://([^/:]+|\[[^]]+\]):(\d+)/?", url.strip())
    if not found:
        raise InfraError(f"KEYCLOAK_URL={url!r}: expected http://host:port")
    return found.group(1).strip("[]"), int(found.group(2))


def external(s: Settings) -> tuple[str, int] | None:
    """The external Keycloak's address if KEYCLOAK_URL is set."""
    return parse_url(s.keycloak_url) if s.keycloak_url else None


def address(s: Settings) -> tuple[str, int]:
    return "127.0.0.1", s.keycloak_port


def extra_ports(s: Settings) -> list[int]:
    return [s.keycloak_management_port]


def home(s: Settings) -> Path:
    """The unpacked distribution: $CACHE_DIR/keycloak/<version>."""
    return s.cache_dir / "keycloak" / s.keycloak_version


def data_dir(s: Settings) -> Path:
    return s.data_dir / "keycloak"


def marker(s: Settings) -> str:
    """Only our own server's command line holds its database path."""
    return str(data_dir(s) / "keycloakdb")


def version_of(pid: int) -> str:
    found = re.search(r"keycloak/([^/\s]+)/bin/kc.sh", cmdline(pid))
    return f"Keycloak {found.group(1)}" if found else "Keycloak"


def java_home() -> Path:
    """A Java 21+ runtime: JAVA_HOME when it is one, else the newest /usr/lib/jvm/temurin-*."""
    candidates = [Path(os.environ["JAVA_HOME"])] if os.environ.get("JAVA_HOME") else []
    candidates += sorted(Path("/usr/lib/jvm").glob("temurin-*"), key=java_major, reverse=True)
    for candidate in candidates:
        if java_major(candidate) >= 21:
            return candidate
    seen = ", ".join(f"{c} (Java {java_major(c) or '?'})" for c in candidates) or "none"
    raise InfraError(f"keycloak: needs a Java 21+ runtime: set JAVA_HOME to one; found {seen}")


def java_major(candidate: Path) -> int:
    """The major version in a JDK's `release` file (0 when it is not a JDK)."""
    try:
        release = (candidate / "release").read_text()
    except OSError:
        return 0
    found = re.search(r'JAVA_VERSION="(\d+)', release)
    return int(found.group(1)) if found and (candidate / "bin" / "java").exists() else 0


def fetch(s: Settings) -> bool:
    """Download the distribution from Maven Central with mvn and unpack it into the cache once."""
    target = home(s)
    if (target / ".complete").exists():
        return False
    mvn = shutil.which("mvn")
    if mvn is None:
        raise InfraError("keycloak: Maven (mvn) is not on PATH; it is needed once to fetch Keycloak")
    print(f"keycloak: fetching Keycloak {s.keycloak_version} from Maven Central into {target} ...", flush=True)
    download = target.with_name(f"{s.keycloak_version}.download")
    shutil.rmtree(download, ignore_errors=True)
    download.parent.mkdir(parents=True, exist_ok=True)
    artifact = f"{ARTIFACT}:{s.keycloak_version}:tar.gz"
    argv = [mvn, "-q", "-B", "-Dstyle.color=never", "dependency:copy", f"-Dartifact={artifact}"]
    done = subprocess.run([*argv, f"-DoutputDirectory={download}"], capture_output=True, text=True, cwd=download.parent)
    archives = list(download.glob("*.tar.gz"))
    if done.returncode != 0 or not archives:
        output = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
        errors = [line for line in output.splitlines() if "ERROR" in line] or ["(no output)"]
        raise InfraError(f"keycloak: mvn could not fetch {artifact}: {errors[0][:300]}")
    with tarfile.open(archives[0]) as archive:
        archive.extractall(download, filter="data")
    [unpacked] = [path for path in download.iterdir() if path.is_dir()]
    (unpacked / ".complete").write_text(s.keycloak_version + "\n")
    shutil.rmtree(target, ignore_errors=True)
    unpacked.rename(target)
    shutil.rmtree(download, ignore_errors=True)
    return True


def kc_env(s: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "JAVA_HOME": str(java_home()),
        "KC_BOOTSTRAP_ADMIN_USERNAME": s.keycloak_admin_user,
        "KC_BOOTSTRAP_ADMIN_PASSWORD": s.keycloak_admin_password,
    }


def build(s: Settings) -> bool:
    """`kc.sh build` once per version and build options; True if it ran now."""
    stamp = home(s) / ".built-with"
    wanted = " ".join(BUILD_OPTIONS)
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return False
    print(f"keycloak: building the server ({wanted}) once ...", flush=True)
    done = subprocess.run(
        [str(home(s) / "bin" / "kc.sh"), "build", *BUILD_OPTIONS], env=kc_env(s), capture_output=True, text=True
    )
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip() or "(no output)").splitlines()
        raise InfraError(f"keycloak: kc.sh build failed: {lines[-1][:300]}")
    stamp.write_text(wanted + "\n")
    return True


def stage_realm(s: Settings) -> None:
    """Put the realm where --import-realm reads it; a changed realm file starts from a fresh database, since an
    import leaves an existing realm as it is (the local database holds nothing but the demo realm)."""
    imports = home(s) / "data" / "import"
    imports.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REALM_FILE, imports / REALM_FILE.name)
    digest = hashlib.sha256(REALM_FILE.read_bytes()).hexdigest()
    seen = data_dir(s) / "realm.sha256"
    if seen.exists() and seen.read_text().strip() != digest:
        for old in data_dir(s).glob("keycloakdb*"):
            old.unlink()
        print("keycloak: the realm file changed; starting from a fresh database", flush=True)
    seen.write_text(digest + "\n")


def prepare(s: Settings) -> list[str]:
    """Fetch, build, stage the realm; return the optimized start command."""
    data_dir(s).mkdir(parents=True, exist_ok=True)
    java_home()
    for step, what in ((fetch, "fetched"), (build, "built")):
        t0 = time.monotonic()
        if step(s):
            print(f"keycloak: {what} ({time.monotonic() - t0:.1f} s)", flush=True)
    stage_realm(s)
    return [
        str(home(s) / "bin" / "kc.sh"),
        "start",
        "--optimized",
        "--http-enabled=true",
        "--http-host=127.0.0.1",
        f"--http-port={s.keycloak_port}",
        f"--http-management-port={s.keycloak_management_port}",
        "--hostname-strict=false",
        "--import-realm",
        f"--db-url=jdbc:h2:file:{marker(s)};NON_KEYWORDS=VALUE",
    ]
