"""Dividing whole rupiah by weights so that no rupiah is lost or invented: the largest remainder method; pure."""

from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

Key = TypeVar("Key")


def shares(total: int, weights: dict[Key, Decimal]) -> dict[Key, int]:
    """`total` divided in proportion to `weights` (all above zero), in whole rupiah that sum to `total` exactly.

    Each share is first rounded down; the rupiah left go one each to the largest remainders, ties to the key
    that sorts first, so the same inputs always give the same shares.
    """
    if not weights:
        raise ValueError("nothing to divide among")
    whole = sum(weights.values(), Decimal(0))
    exact = {key: Decimal(total) * weight / whole for key, weight in weights.items()}
    floors = {key: int(amount.to_integral_value(rounding="ROUND_FLOOR")) for key, amount in exact.items()}
    left = total - sum(floors.values())
    by_remainder = sorted(exact, key=lambda key: (-(exact[key] - floors[key]), str(key)))
    for key in by_remainder[:left]:
        floors[key] += 1
    return floors


def rupiah(amount: Decimal) -> int:
    """An amount rounded half up to the whole rupiah."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
