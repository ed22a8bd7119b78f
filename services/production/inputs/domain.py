"""Inputs a partner agency supplies (seed, fertiliser, fingerlings, feed, raw material); pure, no I/O."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import uuid4

from services.production.quantities.domain import Quantity, Unit, now, quantity
from services.production.sites.domain import Site
from shared.contracts.production import InputReceived


class InputKind(StrEnum):
    SEED = "seed"
    FERTILISER = "fertiliser"
    FINGERLINGS = "fingerlings"
    FEED = "feed"
    RAW_MATERIAL = "raw_material"


@dataclass(frozen=True)
class Input:
    """A delivery from a partner agency (OPD), optionally to one site."""

    id: str
    site_id: str | None
    agency_id: str
    kind: InputKind
    item: str
    quantity: Quantity
    received_on: date
    created_at: datetime
    version: int


def receive_input(
    *,
    site: Site | None,
    agency_id: str,
    kind: InputKind,
    item: str,
    amount: Decimal,
    unit: Unit | str,
    received_on: date,
) -> tuple[Input, InputReceived]:
    """Record a delivery (to `site`, when it went to one) and the event that announces it."""
    received_quantity = quantity(amount, unit)
    received = Input(
        id=str(uuid4()),
        site_id=site.id if site else None,
        agency_id=agency_id,
        kind=kind,
        item=item,
        quantity=received_quantity,
        received_on=received_on,
        created_at=now(),
        version=1,
    )
    event = InputReceived(
        input_id=received.id,
        site_id=received.site_id,
        agency_id=agency_id,
        kind=kind.value,
        item=item,
        quantity=received_quantity.amount,
        unit=received_quantity.unit.value,
        received_on=received_on,
    )
    return received, event
