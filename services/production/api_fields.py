"""What every production route shares: its scopes, exact amounts in and out, and pages of a listing."""

from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from shared.api_keys import Caller, scoped
from shared.events.production import ExactDecimal

ProductionWriter = Annotated[Caller, scoped("production:write")]
ProductionReader = Annotated[Caller, scoped("production:read")]

AmountIn = Annotated[
    Decimal,
    Field(
        max_digits=18,
        decimal_places=6,
        description='A number or, to be exact beyond a float\'s 15 digits, a string such as "12.5"',
    ),
]
"""An amount in a request: a JSON number or a numeric string, at most 18 digits and 6 decimal places."""

AmountOut = ExactDecimal
"""An amount in a response: always a string, so nothing is rounded through a float."""

After = Annotated[
    str | None, Query(max_length=64, description="The `next_cursor` of the previous page; omit for the first")
]
Limit = Annotated[int, Query(ge=1, le=200, description="At most this many items")]

Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    """A page of a listing, oldest first; `next_cursor` is null on the last page."""

    items: list[Item]
    next_cursor: str | None
