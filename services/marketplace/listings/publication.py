"""What the catalogue shows of a listing, and the events a change to it makes; pure, no I/O.

A published listing's public state is recomputed on every change: when it differs, integrators are told
(`marketplace.listing.updated` naming what changed, and the latest state on the compacted topic)."""

from dataclasses import dataclass, field
from typing import Any

from services.marketplace.listings.domain import Listing, ListingStatus, now
from services.marketplace.parties.store import Names
from services.marketplace.programmes.store import Programme
from services.marketplace.sources.store import Source
from shared.contracts.marketplace import (
    ListingPublished,
    ListingSnapshot,
    ListingSoldOut,
    ListingUpdated,
    ListingWithdrawn,
    Provenance,
)
from shared.messaging.registry import EventData

Public = dict[str, Any]
"""A listing as the catalogue shows it: the fields of `ListingState`, as JSON."""


@dataclass(frozen=True)
class Facts:
    """What the marketplace learnt from other services about a listing's lots."""

    programmes: dict[str, Programme]
    sources: dict[str, Source]
    names: Names = field(default_factory=lambda: Names({}, {}))

    def food(self, listing: Listing) -> bool:
        """Food when an officer says so, or when a lot comes from a batch of food."""
        batches = (self.sources.get(lot.source_id) for lot in listing.lots)
        return listing.food_declared or any(source is not None and source.food for source in batches)


def public_state(listing: Listing, facts: Facts) -> Public:
    provenance = [_provenance(listing, lot.lot_id, facts) for lot in listing.lots if lot.available > 0]
    agencies = sorted({each.agency_id for each in provenance if each.agency_id})
    state = ListingSnapshot(
        listing_id=listing.id,
        facility_id=listing.facility_id,
        facility_name=facts.names.facilities.get(listing.facility_id),
        product=listing.product,
        title=listing.title,
        description=listing.description,
        category=listing.category.value if listing.category else "other",
        unit=listing.unit,
        price=listing.price or 0,
        minimum_order=listing.minimum_order or 0,
        stock=listing.stock,
        food=facts.food(listing),
        pirt_number=listing.pirt_number,
        halal_number=listing.halal_number,
        photo_ids=list(listing.photo_ids),
        provenance=provenance,
        programme_ids=sorted({each.programme_id for each in provenance}),
        agency_ids=agencies,
        published_at=listing.published_at or listing.updated_at,
        updated_at=listing.updated_at,
    )
    return state.model_dump(mode="json")


def _provenance(listing: Listing, lot_id: str, facts: Facts) -> Provenance:
    lot = listing.lot(lot_id)
    assert lot is not None
    programme, source = facts.programmes.get(lot.programme_id), facts.sources.get(lot.source_id)
    return Provenance(
        lot_id=lot.lot_id,
        lot_code=lot.lot_code,
        facility_id=listing.facility_id,
        facility_name=facts.names.facilities.get(listing.facility_id),
        programme_id=lot.programme_id,
        programme_name=programme.name if programme else None,
        agency_id=programme.agency_id if programme else None,
        agency_name=facts.names.agencies.get(programme.agency_id) if programme else None,
        source=lot.source,
        produced_on=source.produced_on if source else None,
        grade=lot.grade,
        best_before=lot.best_before,
    )


def changes(
    before: Listing, after: Listing, was: Public | None, now_public: Public, *, reason: str = "withdrawn"
) -> list[EventData]:
    """The events a listing's change makes, from its status and public state before and after."""
    published = ListingStatus.PUBLISHED
    if after.status is published and before.status is not published:
        return [ListingPublished.model_validate(now_public), ListingSnapshot.model_validate(now_public)]
    if before.status is published and after.status is not published:
        return [ListingWithdrawn(**_mark(now_public), reason=reason, withdrawn_at=now())]
    if after.status is not published or was is None:
        return []
    changed = sorted(name for name, value in now_public.items() if name != "updated_at" and was.get(name) != value)
    if not changed:
        return []
    told: list[EventData] = [
        ListingUpdated.model_validate({**now_public, "changed": changed}),
        ListingSnapshot.model_validate(now_public),
    ]
    if after.stock == 0 < before.stock:
        told.append(ListingSoldOut(**_mark(now_public), sold_out_at=now()))
    return told


def _mark(public: Public) -> dict[str, Any]:
    return {name: public[name] for name in ("listing_id", "facility_id", "programme_ids", "agency_ids")}
