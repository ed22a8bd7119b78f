"""The services' images, checked without a Docker engine: hadolint, what they copy, and what they are."""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from setuptools import build_meta

from tests.deploy import platform
from tests.deploy.dockerfile import copied_sources, instructions, lint
from tests.deploy.schemas import REPO

DOCKERFILE = REPO / "deploy/Dockerfile"


def test_the_dockerfile_passes_hadolint() -> None:
    assert lint(DOCKERFILE) == ""


def test_hadolint_finds_what_is_wrong_with_a_careless_dockerfile(tmp_path: Path) -> None:
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python:latest\nRUN cd /app && pip install fastapi\nCMD python app.py\n")
    findings = lint(careless)
    assert "DL3007" in findings  # the latest tag
    assert "DL3013" in findings  # an unpinned pip package


@pytest.mark.parametrize("service", platform.SERVICES)
def test_every_path_a_services_image_copies_exists(service: str) -> None:
    sources = copied_sources(DOCKERFILE, {"SERVICE": service})
    assert f"services/{service}" in sources
    assert "shared" in sources
    assert [source for source in sources if not (REPO / source).exists()] == []
    services = [source for source in sources if source.startswith("services/") and (REPO / source).is_dir()]
    assert services == [f"services/{service}"]


def test_the_image_is_pinned_by_digest_runs_as_non_root_and_checks_readiness() -> None:
    steps = instructions(DOCKERFILE)
    [base] = [arguments for instruction, arguments in steps if instruction == "ARG" and "PYTHON_IMAGE=" in arguments]
    assert re.fullmatch(r"PYTHON_IMAGE=python:3\.11-slim@sha256:[0-9a-f]{64}", base)
    stages: list[str] = []
    for instruction, arguments in steps:
        if instruction == "FROM":
            assert arguments.split()[0] in {"${PYTHON_IMAGE}", *stages}, arguments
            stages += arguments.split()[2:3]  # FROM image AS stage
    [user] = [arguments for instruction, arguments in steps if instruction == "USER"]
    assert user.split(":")[0] not in {"0", "root"}
    [health] = [arguments for instruction, arguments in steps if instruction == "HEALTHCHECK"]
    assert "/health/ready" in health
    assert "curl" not in health
    labels = " ".join(arguments for instruction, arguments in steps if instruction == "LABEL")
    assert 'org.opencontainers.image.version="${VERSION}"' in labels


class Readiness(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/health/ready" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def service_answering() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Readiness)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def health_check(port: int, status: int) -> int:
    """The image's HEALTHCHECK command run here, against a stand-in service answering `status` on /health/ready."""
    Readiness.status = status
    [health] = [arguments for instruction, arguments in instructions(DOCKERFILE) if instruction == "HEALTHCHECK"]
    command = json.loads(health.split(" CMD ", 1)[1])
    environment = {**os.environ, "SERVICE": "marketplace", "SERVICE_HTTP_PORT": "1", "MARKETPLACE_HTTP_PORT": str(port)}
    return subprocess.run([sys.executable, *command[1:]], env=environment, capture_output=True, check=False).returncode


def test_the_health_check_passes_only_while_the_service_is_ready(service_answering: ThreadingHTTPServer) -> None:
    port = service_answering.server_address[1]
    assert health_check(port, status=200) == 0
    assert health_check(port, status=503) != 0


def test_the_images_runtime_dependencies_are_pinned_alike_in_the_lock() -> None:
    """The image installs pyproject's dependencies constrained by requirements.lock: a differing pin fails its build."""
    locked = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        name, _, version = line.partition("==")
        locked[canonicalize_name(name)] = version
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    for requirement in map(Requirement, dependencies):
        assert requirement.specifier.contains(locked[canonicalize_name(requirement.name)]), requirement
    assert canonicalize_name("setuptools") in locked


def test_the_marketplace_package_carries_its_storefront_templates_and_no_other_service(tmp_path: Path) -> None:
    names = image_package(tmp_path, "marketplace")
    templates = {path.name for path in (REPO / "services/marketplace/storefront/templates").glob("*.html")}
    assert {name.rsplit("/", 1)[-1] for name in names if name.endswith(".html")} == templates
    assert "shared/settings.py" in names
    assert {name.split("/")[1] for name in names if name.startswith("services/") and name.count("/") > 1} == {
        "marketplace"
    }


def test_the_notifications_package_carries_its_webhooks(tmp_path: Path) -> None:
    names = image_package(tmp_path, "notifications")
    assert "services/notifications/couriers/handlers.py" in names
    assert not any(name.startswith("services/marketplace/") for name in names)


def image_package(tmp_path: Path, service: str) -> set[str]:
    """The files of the wheel the image installs, built from what the Dockerfile copies for this service."""
    context = tmp_path / "context"
    for source in ["pyproject.toml", *copied_sources(DOCKERFILE, {"SERVICE": service})]:
        target = context / source
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / source).is_dir():
            shutil.copytree(REPO / source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(REPO / source, target)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(context)
        wheel = build_meta.build_wheel(str(tmp_path))
    return set(zipfile.ZipFile(tmp_path / wheel).namelist())
