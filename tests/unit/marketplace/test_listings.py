"""Listings' rules without I/O: stock from lots, completion before publication, holds never beyond the stock."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from services.marketplace.listings import domain
from services.marketplace.listings.domain import (
    Category,
    Facts,
    Incomplete,
    ListingStatus,
    LotStock,
    Revision,
    changes,
    public_state,
)
from shared.contracts.marketplace import (
    ListingPublished,
    ListingSnapshot,
    ListingSoldOut,
    ListingUpdated,
    ListingWithdrawn,
)

COMPLETE = Revision(
    title="Kangkung", description="Segar", category=Category.VEGETABLES, price=12000, minimum_order=Decimal(1)
)
NO_FACTS = Facts(programmes={}, sources={})


def lot(lot_id: str, available: str, best_before: date | None) -> LotStock:
    return LotStock(lot_id, f"L-{lot_id}", "prog", "harvest", f"h-{lot_id}", "A", best_before, Decimal(available))


def listing_with(*lots: LotStock) -> domain.Listing:
    listing = domain.new_draft(facility_id="rutan-serang", product="kangkung", unit="kg")
    for each in lots:
        listing = domain.restock(listing, each)
    return listing


def test_holds_take_the_earliest_best_before_first_and_never_more_than_the_stock() -> None:
    listing = listing_with(
        lot("late", "5", date(2027, 1, 9)), lot("none", "5", None), lot("soon", "2", date(2027, 1, 2))
    )
    listing = domain.publish(domain.revise(listing, COMPLETE, by="officer"), food=False)
    held, taken = domain.hold(listing, Decimal("4.5"))
    assert taken == [("soon", Decimal(2)), ("late", Decimal("2.5"))]
    assert held.stock == Decimal("7.5")
    with pytest.raises(domain.OutOfStock):
        domain.hold(held, Decimal("7.6"))
    with pytest.raises(domain.BelowMinimumOrder):
        domain.hold(held, Decimal("0.5"))
    assert domain.release(held, taken).stock == 12
    assert domain.sell(held, taken).stock == Decimal("7.5")


def test_stock_never_shows_more_than_production_still_offers() -> None:
    listing = listing_with(lot("a", "10", None))
    listing = domain.publish(domain.revise(listing, COMPLETE, by="officer"), food=False)
    held, _ = domain.hold(listing, Decimal(8))
    # production then took 5 kg of the lot for a food-security programme: 2 kg free would be negative
    reduced = domain.restock(held, lot("a", "5", None))
    assert reduced.stock == 0


def test_a_listing_is_published_complete_and_food_with_its_permits() -> None:
    draft = listing_with(lot("a", "1", None))
    with pytest.raises(Incomplete) as missing:
        domain.publish(draft, food=False)
    assert missing.value.field == "description"
    complete = domain.revise(draft, COMPLETE, by="officer")
    with pytest.raises(Incomplete) as permit:
        domain.publish(complete, food=True)
    assert permit.value.field == "pirt_number"
    assert domain.publish(complete, food=False).status is ListingStatus.PUBLISHED


def test_price_changes_are_kept_with_who_made_them() -> None:
    listing = domain.revise(listing_with(), COMPLETE, by="ani")
    listing = domain.revise(listing, Revision(price=13000), by="budi")
    listing = domain.revise(listing, Revision(title="Kangkung segar"), by="budi")
    assert [(change.price, change.by) for change in listing.price_history] == [(12000, "ani"), (13000, "budi")]


def test_a_change_tells_what_integrators_see_of_it() -> None:
    draft = listing_with(lot("a", "2", None))
    complete = domain.revise(draft, COMPLETE, by="officer")
    live = domain.publish(complete, food=False)
    shown = public_state(live, NO_FACTS)
    assert [type(e) for e in changes(complete, live, None, shown)] == [ListingPublished, ListingSnapshot]
    sold, _ = domain.hold(live, Decimal(2))
    told = changes(live, sold, shown, public_state(sold, NO_FACTS))
    assert [type(e) for e in told] == [ListingUpdated, ListingSnapshot, ListingSoldOut]
    assert told[0].changed == ["stock"]  # type: ignore[attr-defined]
    assert changes(live, replace(live, version=live.version + 1), shown, shown) == []
    withdrawn = domain.withdraw(live)
    assert [type(e) for e in changes(live, withdrawn, shown, shown, reason="cek mutu")] == [ListingWithdrawn]
