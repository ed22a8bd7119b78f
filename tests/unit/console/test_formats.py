"""Days, numbers and rupiah in the person's language, Indonesian first."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from services.console.views import formats
from services.console.views.languages import active


@pytest.fixture
def english() -> Iterator[None]:
    token = active.set("en")
    yield
    active.reset(token)


def test_indonesian_is_the_default_way_of_writing_days_numbers_and_rupiah() -> None:
    assert formats.day(date(2026, 12, 7)) == "7 Desember 2026"
    assert formats.day("2027-04-30") == "30 April 2027"
    assert formats.rupiah(12500) == "Rp 12.500"
    assert formats.rupiah(Decimal("1250000.50")) == "Rp 1.250.000,5"
    assert formats.number(Decimal("1234.5")) == "1.234,5"
    assert formats.percent(0.85) == "85%"


@pytest.mark.usefixtures("english")
def test_english_writes_them_its_own_way() -> None:
    assert formats.day(date(2026, 12, 7)) == "December 7, 2026"
    assert formats.number(Decimal("1234.5")) == "1,234.5"


def test_nothing_known_shows_a_dash() -> None:
    assert formats.day(None) == formats.percent(None) == "\u2013"
