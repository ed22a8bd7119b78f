"""Listings stocked from production's events on the real broker, completed and published by officers."""

import base64
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

from bson.decimal128 import Decimal128

from services.marketplace.listings import store as listings_store
from tests.support.infrastructure import Infrastructure
from tests.support.marketplace import FOOD_PERMITS, Season, draft_of, founding_parties, learn, published
from tests.support.services import RunningService, eventually


async def test_released_lots_stock_one_draft_per_product_in_any_order_and_duplicates_count_once(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write", facility_id="rutan-serang")
    season = Season()
    first, second, harvest = str(uuid4()), str(uuid4()), str(uuid4())
    # the lots arrive before the site that tells their facility, and one of them twice
    lots = [season.released(first, "12.5", harvest_id=harvest), season.released(second, "7.5", harvest_id=harvest)]
    await learn(infrastructure, namespace, production=[*lots, lots[0]])
    await learn(infrastructure, namespace, production=[season.site(), season.harvest(harvest, {"p-1": "3"})])
    await learn(infrastructure, namespace, enrolment=[season.programme()])

    async def stocked() -> dict | None:
        draft = await draft_of(marketplace, officer)
        return draft if len(draft["lots"]) == 2 else None

    draft = await eventually(stocked)
    assert (draft["status"], draft["facility_id"], draft["unit"]) == ("draft", "rutan-serang", "kg")
    assert Decimal(draft["stock"]) == Decimal(20)
    assert (await marketplace.http.get("/listings")).json()["items"] == []

    listing = await published(marketplace, officer, draft["id"], title="Kangkung segar")
    [shown] = (await marketplace.http.get("/listings")).json()["items"]
    assert (shown["listing_id"], shown["title"], shown["stock"], shown["price"]) == (
        listing["id"],
        "Kangkung segar",
        "20.0",
        12000,
    )
    provenance = {(p["lot_id"], p["programme_name"], p["agency_id"], p["produced_on"]) for p in shown["provenance"]}
    assert provenance == {(lot, "Hidroponik sayuran", "dkpp", "2026-10-20") for lot in (first, second)}
    assert "p-1" not in str(shown)
    assert shown["facility_name"] is None  # enrolment has not told the names yet

    await learn(infrastructure, namespace, enrolment=founding_parties())

    async def named() -> dict | None:
        [now] = (await marketplace.http.get("/listings")).json()["items"]
        return now if now["facility_name"] and all(p["agency_name"] for p in now["provenance"]) else None

    now = await eventually(named)
    assert now["facility_name"] == "Rutan Kelas IIB Serang"
    assert {p["agency_name"] for p in now["provenance"]} == {"Dinas Ketahanan Pangan dan Pertanian"}


async def test_production_taking_from_a_lot_after_its_release_lowers_the_stock_but_not_what_it_took_before(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    season, lot = Season(), str(uuid4())
    before_release = season.distributed(lot, "5", sequence=2)
    after_release = season.distributed(lot, "4", sequence=4)
    # the later distribution arrives first; the earlier one was already out of the 20 kg released
    await learn(infrastructure, namespace, production=[season.site(), after_release, before_release])
    await learn(infrastructure, namespace, production=[season.released(lot, "20", harvest_id="h-1", sequence=3)])

    async def reduced() -> dict | None:
        draft = await draft_of(marketplace, officer)
        return draft if Decimal(draft["stock"]) == Decimal(16) else None

    assert await eventually(reduced)


async def test_a_food_listing_is_published_only_with_its_permits_and_a_price_above_zero(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    season, lot, batch = Season(agency_id="diskoperindag"), str(uuid4()), str(uuid4())
    released = season.released(lot, "200", batch_id=batch, product="keripik_pisang", unit="units")
    await learn(infrastructure, namespace, production=[season.site(), season.batch(batch, {"p-2": "6"}), released])
    draft = await draft_of(marketplace, officer, "keripik_pisang")
    for bad, field in (
        ({"price": 0}, "price"),
        ({"minimum_order": "-1"}, "minimum_order"),
        ({"price": "12.5"}, "price"),
    ):
        refused = await marketplace.http.patch(f"/listings/{draft['id']}", json=bad, headers=officer)
        assert (refused.status_code, refused.json()["field"]) == (422, field), refused.text
    revised = await marketplace.http.patch(
        f"/listings/{draft['id']}",
        json={"description": "Keripik pisang renyah", "category": "processed_food", "price": 15000, "minimum_order": 1},
        headers=officer,
    )
    assert revised.status_code == 200, revised.text
    unpermitted = await marketplace.http.post(f"/listings/{draft['id']}/publish", headers=officer)
    assert (unpermitted.status_code, unpermitted.json()["field"]) == (422, "pirt_number"), unpermitted.text
    await marketplace.http.patch(f"/listings/{draft['id']}", json=FOOD_PERMITS, headers=officer)
    done = await marketplace.http.post(f"/listings/{draft['id']}/publish", headers=officer)
    assert done.status_code == 200, done.text
    shown = (await marketplace.http.get(f"/listings/{draft['id']}")).json()
    assert (shown["food"], shown["pirt_number"]) == (True, FOOD_PERMITS["pirt_number"])


async def test_an_officer_reaches_only_the_listings_of_their_facility(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    here = await marketplace.mint_key("listings:write", facility_id="rutan-serang")
    elsewhere = await marketplace.mint_key("listings:write", facility_id="lapas-cilegon")
    integrator = await marketplace.mint_key("orders:write", name="e-katalog banten")
    season, lot = Season(), str(uuid4())
    await learn(infrastructure, namespace, production=[season.site(), season.released(lot, "3", harvest_id="h")])
    draft = await draft_of(marketplace, here)
    assert (await marketplace.http.get("/manage/listings", headers=elsewhere)).json()["items"] == []
    for key, status in ((elsewhere, 404), (integrator, 403)):
        refused = await marketplace.http.patch(f"/listings/{draft['id']}", json={"price": 1000}, headers=key)
        assert refused.status_code == status, refused.text


async def test_a_listing_stored_with_decimal_text_and_iso_days_reads_the_same_after_its_migration(
    marketplace: RunningService,
) -> None:
    database = marketplace.runtime.database
    at = datetime(2026, 10, 21, 8, tzinfo=UTC)
    lot = {
        "lot_id": "lot-1", "lot_code": "L-1", "programme_id": "prog-1", "source": "harvest", "source_id": "h-1",
        "grade": "A", "best_before": "2026-12-01", "available": "12.50", "held": "2.5", "sold": "0",
    }  # fmt: skip
    listing_id = str(uuid4())
    await database.db["listings"].insert_one(
        {
            "_id": listing_id,
            "facility_id": "rutan-serang",
            "product": "kangkung",
            "unit": "kg",
            "status": "draft",
            "title": "Kangkung",
            "description": "",
            "category": None,
            "price": None,
            "minimum_order": "0.5",
            "food_declared": False,
            "pirt_number": None,
            "halal_number": None,
            "photo_ids": [],
            "lots": [lot],
            "price_history": [],
            "created_at": at,
            "updated_at": at,
            "published_at": None,
            "version": 2,
            "public": None,
            "search": "kangkung",
            "in_stock": True,
            "changed_at": None,
        }
    )
    await listings_store.store_amounts_and_days(database)
    stored = await database.db["listings"].find_one({"_id": listing_id})
    assert stored is not None
    assert (type(stored["minimum_order"]), type(stored["lots"][0]["best_before"])) == (Decimal128, datetime)
    officer = await marketplace.mint_key("listings:write")
    shown = (await marketplace.http.get(f"/manage/listings/{listing_id}", headers=officer)).json()
    assert (shown["minimum_order"], shown["stock"]) == ("0.5", "10.00")
    [read] = shown["lots"]
    assert (read["best_before"], read["available"], read["held"], read["free"]) == (
        "2026-12-01",
        "12.50",
        "2.5",
        "10.00",
    )


async def test_an_officers_cursor_beyond_int64_is_refused_naming_after(marketplace: RunningService) -> None:
    officer = await marketplace.mint_key("listings:write", facility_id="rutan-serang")
    for position in (str(2**63), "9" * 25, "\u00b2"):
        cursor = base64.urlsafe_b64encode(f"listings:{position}".encode()).decode().rstrip("=")
        refused = await marketplace.http.get("/manage/listings", params={"after": cursor}, headers=officer)
        assert (refused.status_code, refused.json()["field"]) == (422, "after"), refused.text
