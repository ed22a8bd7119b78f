"""Exact amounts in event payloads."""

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema

ExactDecimal = Annotated[
    Decimal,
    PlainSerializer(lambda amount: format(amount, "f"), return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "An exact decimal number, as a string"}
    ),
]
"""A Decimal that travels as a fixed-point string, so no amount is rounded through a float."""
