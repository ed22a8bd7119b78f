"""Contracts of the events the production service publishes. Participants appear only by opaque id."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from shared.contracts.amounts import ExactDecimal
from shared.messaging.registry import EventData, contract

TOPIC = "production.events"


@contract("production.site.registered", version=1)
class SiteRegistered(EventData):
    """A facility registered a production site: a hydroponic rack, plot, pond, tank or workshop."""

    site_id: str
    facility_id: str
    name: str
    kind: str = Field(description="hydroponic_rack, plot, pond, tank or workshop")
    area_m2: ExactDecimal | None = Field(description="Growing area, for racks and plots")
    volume_m3: ExactDecimal | None = Field(description="Water volume, for ponds and tanks")
    registered_at: datetime


@contract("production.input.received", version=1)
class InputReceived(EventData):
    """A partner agency's input (seed, fertiliser, fingerlings, feed or raw material) was received."""

    input_id: str
    site_id: str | None = Field(description="The site it went to, when known")
    agency_id: str = Field(description="The partner agency (OPD) that supplied it, e.g. dkpp")
    kind: str = Field(description="seed, fertiliser, fingerlings, feed or raw_material")
    item: str
    quantity: ExactDecimal
    unit: str = Field(description="kg, g, t, count, bunches, units, litres or ml")
    received_on: date


@contract("production.cycle.started", version=1)
class CycleStarted(EventData):
    """A planting, a fish stocking or a workshop run started on a site, for a programme."""

    cycle_id: str
    site_id: str
    programme_id: str
    commodity: str
    kind: str = Field(description="planting, stocking or workshop_run")
    started_on: date
    seed_quantity: ExactDecimal | None = Field(description="Seed sown, for plantings")
    seed_unit: str | None = Field(description="Unit of seed_quantity")
    stocked_count: int | None = Field(description="Fish stocked, for stockings")


@contract("production.cycle.closed", version=1)
class CycleClosed(EventData):
    """A production cycle closed: nothing more is harvested or produced in it."""

    cycle_id: str
    site_id: str
    programme_id: str
    commodity: str
    closed_on: date


class Credit(BaseModel):
    """Hours a participant worked on what was produced; the participant is an opaque id."""

    participant_id: str = Field(description="Opaque participant id; personal data stays in enrolment")
    hours: ExactDecimal
    cohort_id: str | None = Field(
        None, description="The cohort the participant was active in that day (absent in events before 2026-11-28)"
    )


@contract("production.harvest.recorded", version=1)
class HarvestRecorded(EventData):
    """A cycle's harvest was recorded (crops or fish), crediting the participants who worked it with hours."""

    harvest_id: str
    cycle_id: str
    programme_id: str
    site_id: str
    commodity: str
    quantity: ExactDecimal
    unit: str = Field(description="kg, g, t, count, bunches or units; fish are weighed in a mass unit")
    fish_count: int | None = Field(description="Fish counted at harvest, for stockings, when counted")
    harvested_on: date
    credits: list[Credit]


@contract("production.batch.produced", version=1)
class BatchProduced(EventData):
    """A workshop run produced a batch of made products, crediting the participants who worked it with hours."""

    batch_id: str
    batch_code: str
    cycle_id: str
    programme_id: str
    site_id: str
    product: str
    units: int
    food: bool = Field(description="Whether it is food, which always carries a best-before date")
    produced_on: date
    best_before: date | None
    credits: list[Credit]


@contract("production.lot.graded", version=1)
class LotGraded(EventData):
    """Quality grading put part of a harvest or a batch into a lot of one grade."""

    lot_id: str
    lot_code: str
    source: str = Field(description="harvest or batch")
    source_id: str = Field(description="The harvest or batch id")
    cycle_id: str
    programme_id: str
    site_id: str
    commodity: str
    grade: str = Field(description="A, B or C")
    quantity: ExactDecimal
    unit: str
    best_before: date | None


@contract("production.lot.released_for_sale", version=1)
class LotReleasedForSale(EventData):
    """A lot's balance was released for sale, with what a listing needs; provenance by ids, no personal data."""

    lot_id: str
    lot_code: str
    product: str
    quantity: ExactDecimal
    unit: str
    grade: str
    best_before: date | None
    programme_id: str
    site_id: str
    cycle_id: str
    harvest_id: str | None
    batch_id: str | None


@contract("production.lot.distributed", version=1)
class LotDistributed(EventData):
    """Part of a lot went to a food-security programme or another recipient."""

    lot_id: str
    quantity: ExactDecimal
    unit: str
    recipient: str
    distributed_on: date
    balance: ExactDecimal = Field(description="What the lot still holds, in its unit")


@contract("production.lot.written_off", version=1)
class LotWrittenOff(EventData):
    """Part of a lot was written off, with the reason."""

    lot_id: str
    quantity: ExactDecimal
    unit: str
    reason: str
    written_off_on: date
    balance: ExactDecimal = Field(description="What the lot still holds, in its unit")


@contract("production.lot.disposed", version=1)
class LotDisposed(EventData):
    """Part of a lot was sold outside the marketplace, went to the facility's kitchen or was reserved, or a
    reservation came back to it; distributions and write-offs have their own events."""

    lot_id: str
    kind: str = Field(description="sold, kitchen, reserved or reservation_released (which returns to the lot)")
    quantity: ExactDecimal
    unit: str
    disposed_on: date
    balance: ExactDecimal = Field(description="What the lot still holds, in its unit")


@contract("production.lot.hold_accepted", version=1)
class LotHoldAccepted(EventData):
    """Production reserved for a marketplace order what it holds of a lot: no disposition and no other order can
    take it until the order's sale or release."""

    lot_id: str
    hold_id: str
    order_id: str
    quantity: ExactDecimal = Field(description="What is reserved, in the lot's unit")
    unit: str
    balance: ExactDecimal = Field(description="What the lot still holds for anything else, in its unit")


@contract("production.lot.hold_refused", version=1)
class LotHoldRefused(EventData):
    """Production could not reserve what a marketplace order holds of a lot (the lot holds less, was never
    released for sale, or the unit does not convert to the lot's): the marketplace cancels the order."""

    lot_id: str
    hold_id: str
    order_id: str
    reason: str
    balance: ExactDecimal = Field(description="What the lot still holds, in its unit")
