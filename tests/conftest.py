"""Session-wide infrastructure for the integration tests; unit tests need none of it."""

import asyncio
from collections.abc import Iterator
from uuid import uuid4

import pytest

from tests.support.infrastructure import Infrastructure, forget, shared_infrastructure

SCREENSHOTS: list[str] = []
"""Where the browser tests saved their screenshots, listed at the end of the run."""


@pytest.fixture(scope="session")
def infrastructure() -> Iterator[Infrastructure]:
    with shared_infrastructure() as given:
        yield given


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    """A prefix for this test's topics, consumer groups and databases, which are deleted after it."""
    prefix = f"t{uuid4().hex[:10]}_"
    yield prefix
    if "infrastructure" in request.fixturenames:
        asyncio.run(forget(request.getfixturevalue("infrastructure"), prefix))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        SCREENSHOTS.extend(str(value) for name, value in report.user_properties if name == "screenshot")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SCREENSHOTS:
        terminalreporter.write_sep("-", "screenshots saved")
        for path in SCREENSHOTS:
            terminalreporter.write_line(path)
