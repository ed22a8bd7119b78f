"""Session-wide infrastructure for the integration tests; unit tests need none of it."""

from collections.abc import Iterator
from uuid import uuid4

import pytest

from tests.support.infrastructure import Infrastructure, shared_infrastructure


@pytest.fixture(scope="session")
def infrastructure() -> Iterator[Infrastructure]:
    with shared_infrastructure() as given:
        yield given


@pytest.fixture
def namespace() -> str:
    """A prefix for this test's topics, consumer groups and databases."""
    return f"t{uuid4().hex[:10]}_"
