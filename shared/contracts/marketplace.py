"""Contracts of the events the marketplace service publishes. Participants appear only by opaque id, and only in
`marketplace.premi.settled`; listings and orders name none."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from shared.contracts.amounts import ExactDecimal
from shared.messaging.registry import EventData, contract

TOPIC = "marketplace.events"
LISTINGS_TOPIC = "marketplace.listings"
"""Log-compacted: the latest `marketplace.listing.snapshot` of every published listing, keyed by listing id;
a withdrawn listing's key ends in a tombstone (a message without a value)."""


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


@contract("marketplace.lot.sold", version=2)
class LotSoldToOrder(EventData):
    """An order was fulfilled with part of a production lot that production had reserved for it; production
    accounts the sale once. The event is the order's (subject the order, at the version that fulfilled it); version
    1 named the lot as its subject."""

    sale_id: str = Field(description="The sale, one per order and lot: the id of the hold it ends")
    order_id: str
    lot_id: str = Field(description="The production lot sold from")
    quantity: ExactDecimal = Field(description="How much was sold, above zero")
    unit: str = Field(description="kg, g, t, count, bunches, units, litres or ml; converted exactly to the lot's unit")
    sold_on: date


@contract("marketplace.lot.held", version=1)
class LotHeld(EventData):
    """An order holds part of a production lot: production reserves it for the order
    (`production.lot.hold_accepted`) or refuses (`production.lot.hold_refused`), and only a reserved hold is
    confirmed, fulfilled and settled. The event is the order's (subject the order, at its version)."""

    hold_id: str = Field(description="One per order and lot; the sale's id when the order is fulfilled")
    order_id: str
    lot_id: str = Field(description="The production lot held from")
    quantity: ExactDecimal = Field(description="How much the order holds, above zero")
    unit: str = Field(description="kg, g, t, count, bunches, units, litres or ml; converted exactly to the lot's unit")
    held_until: datetime = Field(description="When the order expires unless paid (and the hold is released)")


@contract("marketplace.lot.hold_released", version=1)
class LotHoldReleased(EventData):
    """An order's hold on part of a lot ended unsold (the order was cancelled or expired, or production refused
    another of its holds): production returns what it reserved for it. The event is the order's."""

    hold_id: str
    order_id: str
    lot_id: str
    reason: str = Field(description="cancelled, expired or refused")


class Provenance(BaseModel):
    """Where one lot of a listing came from: facility, programme, partner agency and the day it was produced."""

    lot_id: str
    lot_code: str
    facility_id: str | None = Field(description="Unknown until the site's registration is learnt")
    facility_name: str | None = Field(None, description="e.g. Rutan Kelas IIB Serang, once learnt")
    programme_id: str
    programme_name: str | None = Field(description="Unknown until the programme's publication is learnt")
    agency_id: str | None = Field(description="The partner agency (OPD) that runs the programme")
    agency_name: str | None = Field(None, description="e.g. Dinas Perikanan, once learnt")
    source: str = Field(description="harvest or batch")
    produced_on: date | None = Field(description="The harvest's or batch's date, once learnt")
    grade: str
    best_before: date | None


class ListingState(EventData):
    """What the catalogue shows of a published listing; no participant appears in it."""

    listing_id: str
    facility_id: str
    facility_name: str | None = Field(None, description="e.g. Rutan Kelas IIB Serang, once learnt")
    product: str = Field(description="The product or commodity its lots hold, e.g. kangkung or lele")
    title: str
    description: str
    category: str
    unit: str = Field(description="What the price is per: kg, g, t, count, bunches, units, litres or ml")
    price: int = Field(description="Rupiah per unit, whole")
    currency: str = Field("IDR", pattern="^[A-Z]{3}$")
    minimum_order: ExactDecimal
    stock: ExactDecimal = Field(description="What buyers can order now: released lots, less holds and sales")
    food: bool
    pirt_number: str | None = Field(description="P-IRT home-industry food permit, required for food")
    halal_number: str | None = Field(description="Halal certificate number, required for food")
    photo_ids: list[str] = Field(description="Photos, served at /listings/{listing_id}/photos/{photo_id}")
    provenance: list[Provenance]
    programme_ids: list[str]
    agency_ids: list[str]
    published_at: datetime
    updated_at: datetime


@contract("marketplace.listing.published", version=1)
class ListingPublished(ListingState):
    """A listing was published (or re-published after a withdrawal) and buyers can order from it."""


@contract("marketplace.listing.updated", version=1)
class ListingUpdated(ListingState):
    """A published listing changed: its text, price, photos or stock; `changed` names what."""

    changed: list[str] = Field(description="The fields that changed, e.g. price or stock")


@contract("marketplace.listing.snapshot", version=1, topic=LISTINGS_TOPIC)
class ListingSnapshot(ListingState):
    """The latest state of a published listing, on the compacted `marketplace.listings` topic."""


class ListingMark(EventData):
    listing_id: str
    facility_id: str
    programme_ids: list[str]
    agency_ids: list[str]


@contract("marketplace.listing.withdrawn", version=1)
class ListingWithdrawn(ListingMark):
    """A listing was taken out of the catalogue by an officer; it can be published again."""

    reason: str
    withdrawn_at: datetime


@contract("marketplace.listing.sold_out", version=1)
class ListingSoldOut(ListingMark):
    """A published listing's stock reached zero; it stays published and restocks when a lot is released."""

    sold_out_at: datetime


class OrderLine(BaseModel):
    listing_id: str
    quantity: ExactDecimal
    unit: str
    price: int = Field(description="Rupiah per unit when ordered")
    amount: int = Field(description="Rupiah for the line, rounded half up to the rupiah")


class OrderMark(EventData):
    order_id: str
    facility_ids: list[str]
    programme_ids: list[str]
    agency_ids: list[str]


@contract("marketplace.order.placed", version=1)
class OrderPlaced(OrderMark):
    """A buyer's order holds stock until `held_until`; unpaid by then it expires and the stock returns."""

    lines: list[OrderLine]
    total: int = Field(description="Rupiah")
    currency: str = Field("IDR", pattern="^[A-Z]{3}$")
    held_until: datetime


@contract("marketplace.order.confirmed", version=1)
class OrderConfirmed(OrderMark):
    """The order's payment was recorded; its stock is no longer only held."""

    payment_method: str = Field(description="cash, transfer, qris or invoice")
    paid_on: date
    total: int


@contract("marketplace.order.fulfilled", version=1)
class OrderFulfilled(OrderMark):
    """The buyer received the order by pickup or delivery; its lots' sales and the settlement follow."""

    fulfilment: str = Field(description="pickup or delivery")
    fulfilled_on: date


@contract("marketplace.order.cancelled", version=1)
class OrderCancelled(OrderMark):
    """The order was cancelled, or expired unpaid; its stock returned to the listings."""

    reason: str
    expired: bool
    cancelled_at: datetime


class Split(BaseModel):
    premi: int
    pnbp: int = Field(description="State non-tax revenue (PNBP)")
    working_capital: int


@contract("marketplace.sale.settled", version=1)
class SaleSettled(EventData):
    """A fulfilled order's proceeds from one programme were split into premi, PNBP and working capital."""

    settlement_id: str
    order_id: str
    programme_id: str
    agency_id: str | None
    proceeds: int = Field(description="Rupiah")
    split: Split
    percent: Split = Field(description="The programme's terms applied, in percent")
    settled_on: date
