"""A cursor of digits names a stored position: ASCII digits within int64, else a 422 naming the field."""

import pytest

from shared.storage.pages import LARGEST_POSITION, InvalidCursor, position_in, within_positions


@pytest.mark.parametrize("cursor", [str(2**63), "9" * 40, "\u00b2", "\u0661\u0662", "-1", "", "1e3"])
def test_a_cursor_that_names_no_storable_position_is_refused_naming_the_field(cursor: str) -> None:
    with pytest.raises(InvalidCursor) as refused:
        position_in(cursor, field="after")
    assert refused.value.field == "after"


def test_every_int64_position_reads_back() -> None:
    assert position_in(str(LARGEST_POSITION)) == LARGEST_POSITION
    assert position_in("0") == 0
    assert within_positions(LARGEST_POSITION) == LARGEST_POSITION
