"""How production keeps a quantity in BSON: its exact amount (as `shared.storage.values` keeps every amount) and
its unit beside it."""

from bson.decimal128 import Decimal128

from services.production.quantities.domain import Quantity, Unit
from shared.storage.values import amount_of


def quantity_of(stored: Decimal128, unit: str) -> Quantity:
    return Quantity(amount_of(stored), Unit(unit))
