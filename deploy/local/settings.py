"""Environment-driven settings for deploy/local/infra.py."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from processes import InfraError

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DEFAULT_KAFKA_VERSION = "4.4.0"
DEFAULT_KEYCLOAK_VERSION = "26.7.3"  # the newest org.keycloak:keycloak-quarkus-dist on Maven Central


@dataclass(frozen=True)
class Settings:
    """All knobs of the local infrastructure, read once from the environment."""

    data_dir: Path
    cache_dir: Path
    kafka_port: int
    kafka_controller_port: int
    mongodb_port: int
    kafka_bootstrap: str | None
    mongodb_url: str | None
    kafka_heap: str
    kafka_sasl_users: dict[str, str]
    kafka_version: str
    secantusd: Path
    mongodb_server: str
    timeout: float
    java: str
    keycloak_port: int = 8080
    keycloak_management_port: int = 9000
    keycloak_url: str | None = None
    keycloak_version: str = DEFAULT_KEYCLOAK_VERSION
    keycloak_admin_user: str = "admin"
    keycloak_admin_password: str = "admin"

    @property
    def logs_dir(self) -> Path:
        """Directory of the servers' log files."""
        return self.data_dir / "logs"

    @property
    def run_dir(self) -> Path:
        """Directory of the pid files."""
        return self.data_dir / "run"


def _int_env(name: str, default: int) -> int:
    """Read an integer environment variable or fail with a clear message."""
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise InfraError(f"{name}={raw!r} is not an integer") from None


def _path_env(name: str, default: Path) -> Path:
    """Read a path environment variable, made absolute against the repo root."""
    raw = os.environ.get(name, "").strip()
    return (REPO / raw).resolve() if raw else default


def _user_cache() -> Path:
    """Downloads and builds outlive a clone: ~/.cache/pembinaan-platform (or under XDG_CACHE_HOME)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "pembinaan-platform"


def _choice_env(name: str, choices: tuple[str, ...]) -> str:
    """Read an environment variable that takes one of `choices`; the first is the default."""
    raw = os.environ.get(name, "").strip() or choices[0]
    if raw not in choices:
        raise InfraError(f"{name}={raw!r}: expected one of {', '.join(choices)}")
    return raw


def _users_env(name: str) -> dict[str, str]:
    """Read `user:password[,user:password...]`: the PLAIN logins a broker accepts (none: no SASL)."""
    raw = os.environ.get(name, "").strip()
    users = dict(entry.partition(":")[::2] for entry in raw.split(",") if entry.strip())
    for user, password in users.items():
        if not user.isidentifier() or not password or any(char in password for char in '"\\'):
            # the password is not repeated: it may be a real one
            raise InfraError(f"{name}: expected user:password[,user:password...]; {user!r} does not fit")
    return users


def _java() -> str:
    """Locate the java binary: $JAVA_HOME/bin/java, else java on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java") or "java"


def load() -> Settings:
    """Build Settings from the environment (see the module docstring of infra.py)."""
    return Settings(
        data_dir=_path_env("DATA_DIR", REPO / ".data"),
        cache_dir=_path_env("CACHE_DIR", _user_cache()),
        kafka_port=_int_env("KAFKA_PORT", 9092),
        kafka_controller_port=_int_env("KAFKA_CONTROLLER_PORT", 9093),
        mongodb_port=_int_env("MONGODB_PORT", 27017),
        kafka_bootstrap=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip() or None,
        mongodb_url=os.environ.get("MONGODB_URL", "").strip() or None,
        kafka_heap=os.environ.get("KAFKA_HEAP", "").strip() or "512m",
        kafka_sasl_users=_users_env("KAFKA_SASL_USERS"),
        kafka_version=os.environ.get("KAFKA_VERSION", "").strip() or DEFAULT_KAFKA_VERSION,
        secantusd=_path_env("SECANTUSD", REPO / ".venv" / "bin" / "secantusd-py"),
        mongodb_server=_choice_env("MONGODB_SERVER", ("rust", "python")),
        timeout=float(_int_env("READY_TIMEOUT", 90)),
        java=_java(),
        keycloak_port=_int_env("KEYCLOAK_PORT", 8080),
        keycloak_management_port=_int_env("KEYCLOAK_MANAGEMENT_PORT", 9000),
        keycloak_url=os.environ.get("KEYCLOAK_URL", "").strip() or None,
        keycloak_version=os.environ.get("KEYCLOAK_VERSION", "").strip() or DEFAULT_KEYCLOAK_VERSION,
        keycloak_admin_user=os.environ.get("KEYCLOAK_ADMIN_USER", "").strip() or "admin",
        keycloak_admin_password=os.environ.get("KEYCLOAK_ADMIN_PASSWORD", "").strip() or "admin",
    )
