"""Exact amounts in requests and responses, the same way on every production route."""

from shared.contracts.amounts import ExactDecimal
from shared.http.bounds import Amount

AmountIn = Amount
"""An amount in a request: a JSON number or a numeric string, at most 18 digits and 6 decimal places."""

AmountOut = ExactDecimal
"""An amount in a response: always a string, so nothing is rounded through a float."""
