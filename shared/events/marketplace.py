"""Contracts of the events the marketplace service publishes. Participants appear only by opaque id."""

from datetime import date

from pydantic import Field

from shared.events.amounts import ExactDecimal
from shared.events.registry import EventData, contract

TOPIC = "marketplace.events"


@contract("marketplace.premi.settled", version=1)
class PremiSettled(EventData):
    """A sale settled and the premi owed to one credited participant was fixed."""

    settlement_id: str
    participant_id: str = Field(description="Opaque participant id")
    programme_id: str
    amount: ExactDecimal = Field(description="Premi owed to this participant for this settlement")
    currency: str = Field("IDR", pattern="^[A-Z]{3}$")
    settled_on: date


@contract("marketplace.lot.sold", version=1)
class LotSold(EventData):
    """A buyer's order took part of a production lot; production accounts it once per sale."""

    sale_id: str = Field(description="The sale; a sale reported twice is accounted once")
    lot_id: str = Field(description="The production lot sold from")
    quantity: ExactDecimal = Field(description="How much was sold, above zero")
    unit: str = Field(description="kg, g, t, count, bunches, units, litres or ml; converted exactly to the lot's unit")
    sold_on: date
