"""Orders against the real database and broker: holds never oversell, expire, and settle to the rupiah."""

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
from bson.decimal128 import Decimal128

from services.marketplace.main import MarketplaceSettings, create_app
from services.marketplace.orders import store as orders_store
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events_on
from tests.support.marketplace import Season, draft_of, learn, published, reservations, reserved
from tests.support.services import RunningService, eventually, serving, settings_for

BUYER = {"name": "Koperasi Maju Bersama", "contact": "+62 812 0000 0000"}
PAID = {"payment_method": "transfer", "payment_reference": "TRX-1", "paid_on": "2026-11-02"}
HANDED = {"fulfilment": "pickup", "fulfilled_on": "2026-11-03"}


async def listed(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService, officer: dict[str, str], **lots: str
) -> tuple[dict[str, Any], Season]:
    """A published kangkung listing at Rp12.000/kg stocked by lots named `harvest_id=quantity`, each best
    before a day after the one before it, so that orders take them in the order given."""
    season = Season()
    events = [season.site()]
    for day, (harvest_id, quantity) in enumerate(lots.items(), start=1):
        best_before = date(2026, 12, day)
        events += [season.released(str(uuid4()), quantity, harvest_id=harvest_id, best_before=best_before)]
    await learn(infrastructure, namespace, production=events, enrolment=[season.programme()])

    async def stocked() -> dict[str, Any] | None:
        draft = await draft_of(marketplace, officer)
        return draft if len(draft["lots"]) == len(lots) else None

    draft = await eventually(stocked)
    return await published(marketplace, officer, draft["id"], minimum_order="1"), season


async def test_two_hundred_concurrent_orders_for_the_last_ten_units_sell_exactly_ten(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    buyer = await marketplace.mint_key("orders:write")
    listing, _ = await listed(infrastructure, namespace, marketplace, officer, h1="10")
    order = {"lines": [{"listing_id": listing["id"], "quantity": "1"}], "buyer": BUYER}
    limits = httpx.Limits(max_connections=200)
    # 200 buyers, each its own key: one key holds unpaid no more than its share of a listing
    buyers = [buyer, *[await marketplace.mint_key("orders:write") for _ in range(199)]]
    async with httpx.AsyncClient(base_url=marketplace.base_url, timeout=120, limits=limits) as http:
        answers = await asyncio.gather(*(http.post("/orders", json=order, headers=each) for each in buyers))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses.count(201) == 10, {status: statuses.count(status) for status in set(statuses)}
    assert set(statuses) == {201, 409}, [a.text for a in answers if a.status_code not in (201, 409)][:3]
    refused = next(answer for answer in answers if answer.status_code == 409).json()
    assert refused["field"] == "quantity", refused
    shown = (await marketplace.http.get(f"/listings/{listing['id']}")).json()
    assert shown["stock"] == "0"


async def test_a_retried_order_with_its_idempotency_key_is_the_same_order(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    buyer = {**await marketplace.mint_key("orders:write"), "Idempotency-Key": str(uuid4())}
    listing, _ = await listed(infrastructure, namespace, marketplace, officer, h1="10")
    order = {"lines": [{"listing_id": listing["id"], "quantity": "2"}], "buyer": BUYER}
    first, again = [await marketplace.http.post("/orders", json=order, headers=buyer) for _ in range(2)]
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert first.json()["id"] == again.json()["id"]
    assert (await marketplace.http.get(f"/listings/{listing['id']}")).json()["stock"] == "8"


async def test_an_unpaid_hold_expires_and_its_stock_returns(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    settings = settings_for(
        MarketplaceSettings, infrastructure, namespace, order_hold_minutes=0, hold_check_seconds=0.2
    )
    async with serving(create_app(settings)) as quick:
        officer, buyer = await quick.mint_key("listings:write"), await quick.mint_key("orders:write")
        manager = await quick.mint_key("orders:manage")
        listing, _ = await listed(infrastructure, namespace, quick, officer, h1="5")
        order = {"lines": [{"listing_id": listing["id"], "quantity": "2"}], "buyer": BUYER}
        placed = (await quick.http.post("/orders", json=order, headers=buyer)).json()

        async def expired() -> dict[str, Any] | None:
            now = (await quick.http.get(f"/orders/{placed['id']}", headers=buyer)).json()
            return now if now["status"] == "cancelled" else None

        assert (await eventually(expired))["expired"] is True
        assert (await quick.http.get(f"/listings/{listing['id']}")).json()["stock"] == "5"
        late = await quick.http.post(f"/orders/{placed['id']}/confirm", json=PAID, headers=manager)
        assert late.status_code == 409, late.text


async def test_bad_orders_are_refused_naming_the_field(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    buyer = await marketplace.mint_key("orders:write")
    listing, _ = await listed(infrastructure, namespace, marketplace, officer, h1="10")
    cases = [
        ({"listing_id": listing["id"], "quantity": "0"}, 422, "lines.0.quantity"),
        ({"listing_id": listing["id"], "quantity": "0.5"}, 422, "quantity"),
        ({"listing_id": listing["id"], "quantity": "11"}, 409, "quantity"),
        ({"listing_id": str(uuid4()), "quantity": "1"}, 404, "listing_id"),
    ]
    for line, status, field in cases:
        answer = await marketplace.http.post("/orders", json={"lines": [line], "buyer": BUYER}, headers=buyer)
        assert (answer.status_code, answer.json().get("field")) == (status, field), answer.text
    await marketplace.http.post(f"/listings/{listing['id']}/withdraw", json={"reason": "cek mutu"}, headers=officer)
    line = {"listing_id": listing["id"], "quantity": "1"}
    withdrawn = await marketplace.http.post("/orders", json={"lines": [line], "buyer": BUYER}, headers=buyer)
    assert (withdrawn.status_code, withdrawn.json()["field"]) == (409, "listing_id"), withdrawn.text


async def test_a_fulfilled_order_settles_every_rupiah_by_the_programmes_terms_and_the_hours_worked(
    infrastructure: Infrastructure, namespace: str
) -> None:
    # one buyer takes almost all the stock here: its share of a listing is not bounded
    settings = settings_for(MarketplaceSettings, infrastructure, namespace, order_hold_share_percent=100)
    async with serving(create_app(settings)) as marketplace:
        await settled_to_the_rupiah(infrastructure, namespace, marketplace)


async def settled_to_the_rupiah(infrastructure: Infrastructure, namespace: str, marketplace: RunningService) -> None:
    officer = await marketplace.mint_key("listings:write")
    buyer, manager = await marketplace.mint_key("orders:write"), await marketplace.mint_key("orders:manage")
    staff = await marketplace.mint_key("settlement:write", "settlement:read")
    listing, season = await listed(infrastructure, namespace, marketplace, officer, h1="3", h2="4")
    # h2's credits come only after the sale: its premi waits, then is paid
    await learn(infrastructure, namespace, production=[season.harvest("h1", {"p-1": "2", "p-2": "1"})])
    terms = await marketplace.http.put(
        f"/programmes/{season.programme_id}/terms", json={"premi": 40, "pnbp": 0, "working_capital": 60}, headers=staff
    )
    assert terms.status_code == 200, terms.text
    line = {"listing_id": listing["id"], "quantity": "6.5"}
    placed = (await marketplace.http.post("/orders", json={"lines": [line], "buyer": BUYER}, headers=buyer)).json()
    assert placed["total"] == 78000
    await reserved(infrastructure, namespace, marketplace, placed, manager)  # paid once production reserved it
    for step, body in (("confirm", PAID), ("fulfil", HANDED)):
        done = await marketplace.http.post(f"/orders/{placed['id']}/{step}", json=body, headers=manager)
        assert done.status_code == 200, done.text
    await learn(infrastructure, namespace, production=[season.harvest("h2", {"p-3": "5"})])

    async def report() -> dict[str, Any] | None:
        period = {"start": "2026-11-01", "end": "2026-11-30"}
        found = (await marketplace.http.get("/settlements/report", params=period, headers=staff)).json()
        [ledger] = found["programmes"]
        return found if ledger["premi_pending"] == 0 else None

    found = await eventually(report)
    [ledger] = found["programmes"]
    assert (found["proceeds"], found["orders_total"], found["reconciled"]) == (78000, 78000, True)
    assert (ledger["premi"], ledger["pnbp"], ledger["working_capital"]) == (31200, 0, 46800)
    [settlement] = ledger["settlements"]
    paid = {share["participant_id"]: share["amount"] for share in settlement["paid"]}
    # the 3 kg of h1 (Rp36.000, premi Rp14.400) by hours 2:1; the 3.5 kg of h2 (Rp42.000, premi Rp16.800) to p-3
    assert paid == {"p-1": 9600, "p-2": 4800, "p-3": 16800}
    assert sum(paid.values()) == ledger["premi"]


async def test_an_order_stored_with_quantities_as_text_reads_the_same_after_its_migration(
    marketplace: RunningService,
) -> None:
    database = marketplace.runtime.database
    at = datetime(2026, 11, 1, 9, tzinfo=UTC)
    allocation = {"lot_id": "lot-1", "programme_id": "prog-1", "source_id": "h-1", "quantity": "2.5", "amount": 30000}
    line = {"listing_id": "listing-1", "quantity": "2.5", "unit": "kg", "price": 12000, "amount": 30000}
    order_id = str(uuid4())
    await database.db["orders"].insert_one(
        {
            "_id": order_id,
            "facility_id": "rutan-serang",
            "placed_by": "platform",
            "buyer": BUYER,
            "lines": [{**line, "allocations": [allocation]}],
            "total": 30000,
            "status": "fulfilled",
            "held_until": at,
            "payment_method": "transfer",
            "payment_reference": "TRX-1",
            "paid_on": datetime(2026, 11, 2),
            "fulfilment": "pickup",
            "fulfilled_on": datetime(2026, 11, 3),
            "cancel_reason": None,
            "expired": False,
            "created_at": at,
            "updated_at": at,
            "version": 3,
        }
    )
    await orders_store.store_amounts(database)
    stored = await database.db["orders"].find_one({"_id": order_id})
    assert stored is not None
    assert {type(stored["lines"][0]["quantity"]), type(stored["lines"][0]["allocations"][0]["quantity"])} == {
        Decimal128
    }
    manager = await marketplace.mint_key("orders:manage")
    shown = (await marketplace.http.get(f"/orders/{order_id}", headers=manager)).json()
    [read] = shown["lines"]
    assert (read["quantity"], read["lots"][0]["quantity"], shown["paid_on"], shown["fulfilled_on"]) == (
        "2.5",
        "2.5",
        "2026-11-02",
        "2026-11-03",
    )


async def test_an_order_is_paid_only_once_production_reserved_its_lots_and_its_sales_are_the_orders_events(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    buyer, manager = await marketplace.mint_key("orders:write"), await marketplace.mint_key("orders:manage")
    listing, _ = await listed(infrastructure, namespace, marketplace, officer, h1="3", h2="4")
    line = {"listing_id": listing["id"], "quantity": "3.5"}  # of h1's 3 and h2's 4
    placed = (await marketplace.http.post("/orders", json={"lines": [line], "buyer": BUYER}, headers=buyer)).json()
    early = await marketplace.http.post(f"/orders/{placed['id']}/confirm", json=PAID, headers=manager)
    assert (early.status_code, early.json()["field"]) == (409, "status"), early.text
    await reserved(infrastructure, namespace, marketplace, placed, manager)
    for step, body in (("confirm", PAID), ("fulfil", HANDED)):
        done = await marketplace.http.post(f"/orders/{placed['id']}/{step}", json=body, headers=manager)
        assert done.status_code == 200, done.text

    async def told() -> list[Any]:
        events = await events_on(infrastructure, f"{namespace}marketplace.events")
        return [event for event in events if event.type in KINDS]

    events = await eventually(lambda: _all_told(told))
    held_lots = [lot["lot_id"] for lot in placed["lines"][0]["lots"]]
    by_type = {kind: [e for e in events if e.type == kind] for kind in KINDS}
    [fulfilled] = by_type["marketplace.order.fulfilled"]
    # each hold and sale is the order's event, at the order's version then; the lot is in the payload
    assert [(e.subject, e.sequence) for e in by_type["marketplace.lot.held"]] == [(placed["id"], 1)] * 2
    sold = [(e.subject, e.sequence, e.version) for e in by_type["marketplace.lot.sold"]]
    assert sold == [(placed["id"], fulfilled.sequence, 2)] * 2
    assert sorted(e.data["lot_id"] for e in by_type["marketplace.lot.sold"]) == sorted(held_lots)
    assert {e.data["order_id"] for e in events} == {placed["id"]}


KINDS = ("marketplace.lot.held", "marketplace.lot.sold", "marketplace.order.fulfilled")


async def _all_told(told: Any) -> list[Any] | None:
    events: list[Any] = await told()
    return events if len(events) == 5 else None


async def test_a_hold_production_refuses_cancels_the_order_and_releases_its_other_holds(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    buyer = await marketplace.mint_key("orders:write")
    listing, season = await listed(infrastructure, namespace, marketplace, officer, h1="3", h2="4")
    line = {"listing_id": listing["id"], "quantity": "3.5"}  # of h1's 3 and h2's 4
    placed = (await marketplace.http.post("/orders", json={"lines": [line], "buyer": BUYER}, headers=buyer)).json()
    first, second = placed["lines"][0]["lots"]
    await learn(infrastructure, namespace, production=reservations(placed)[:1])
    await learn(infrastructure, namespace, production=[season.hold_refused(placed["id"], second["lot_id"])])

    async def cancelled() -> dict[str, Any] | None:
        now: dict[str, Any] = (await marketplace.http.get(f"/orders/{placed['id']}", headers=buyer)).json()
        return now if now["status"] == "cancelled" else None

    order = await eventually(cancelled)
    assert [lot["reservation"] for lot in order["lines"][0]["lots"]] == ["reserved", "refused"]
    assert Decimal((await marketplace.http.get(f"/listings/{listing['id']}")).json()["stock"]) == 7

    async def released() -> list[Any]:
        events = await events_on(infrastructure, f"{namespace}marketplace.events")
        return [event for event in events if event.type == "marketplace.lot.hold_released"]

    [release] = await eventually(released)
    assert (release.subject, release.data["lot_id"], release.data["reason"]) == (
        placed["id"],
        first["lot_id"],
        "refused",
    )


async def test_one_key_holds_unpaid_at_most_its_share_of_a_listing_and_so_many_orders_and_is_told_which(
    infrastructure: Infrastructure, namespace: str
) -> None:
    settings = settings_for(
        MarketplaceSettings, infrastructure, namespace, order_holds_per_key=3, order_hold_share_percent=50
    )
    async with serving(create_app(settings)) as quick:
        officer = await quick.mint_key("listings:write")
        greedy, other = await quick.mint_key("orders:write"), await quick.mint_key("orders:write")
        listing, season = await listed(infrastructure, namespace, quick, officer, h1="10")
        await learn(infrastructure, namespace, production=[season.released(str(uuid4()), "20", product="pakcoy")])
        pakcoy = await published(quick, officer, (await draft_of(quick, officer, "pakcoy"))["id"])

        async def order(key: dict[str, str], quantity: str, listing_id: str = listing["id"]) -> Any:
            line = {"listing_id": listing_id, "quantity": quantity}
            return await quick.http.post("/orders", json={"lines": [line], "buyer": BUYER}, headers=key)

        too_much = await order(greedy, "6")
        assert (too_much.status_code, too_much.json()["field"]) == (409, "lines.0.quantity"), too_much.text
        assert "at most 50% of listing" in too_much.json()["detail"]
        # 3 of 10, then 2 of the 7 left (half of 7 and its own 3), then no more
        answers = [await order(greedy, quantity) for quantity in ("3", "2", "1")]
        assert [answer.status_code for answer in answers] == [201, 201, 409], answers[-1].text
        assert answers[-1].json()["field"] == "lines.0.quantity"
        assert (await order(other, "2.5")).status_code == 201  # another buyer has its own share
        assert (await quick.http.get(f"/listings/{listing['id']}")).json()["stock"] == "2.5"

        assert (await order(greedy, "1", pakcoy["id"])).status_code == 201
        fourth = await order(greedy, "1", pakcoy["id"])
        assert (fourth.status_code, fourth.json()["field"]) == (409, "lines"), fourth.text
        assert "holds 3 unpaid orders" in fourth.json()["detail"]
