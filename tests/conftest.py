"""Session-wide infrastructure for the integration tests; unit tests need none of it."""

import asyncio
from collections.abc import Iterator
from uuid import uuid4

import pytest

from tests.support.infrastructure import Infrastructure, forget, shared_infrastructure


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
