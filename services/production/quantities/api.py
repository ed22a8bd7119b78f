"""Exact amounts in requests and responses, the same way on every production route."""

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from shared.events.amounts import ExactDecimal

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
