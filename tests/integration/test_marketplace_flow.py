"""End to end on the real broker: a harvest credited to a trained participant is listed, ordered and fulfilled;
production accounts the sale in the lot once, and the premi shows on the participant's training record. A
write-off racing an order's fulfilment: one of them has the lot, never both, and only goods sold are settled."""

import asyncio
from decimal import Decimal
from typing import Any

from tests.support.enrolment import STAFF_SCOPES, completed_participant
from tests.support.marketplace import draft_of, once_reserved, published
from tests.support.production import created, rack, released_lot
from tests.support.services import RunningService, eventually

TODAY = "2026-11-29"


async def credited_lot(production: RunningService, programme_id: str, participant_id: str) -> dict[str, Any]:
    """A 10 kg lot of kangkung released for sale, from a harvest crediting the participant with 4 hours."""
    officer = await production.mint_key("production:write", "production:read")
    site = await created(production, "/sites", rack(), officer)
    planting = {
        "site_id": site["id"],
        "programme_id": programme_id,
        "commodity": "kangkung",
        "started_on": "2027-01-11",
    }
    cycle = await created(production, "/cycles", {**planting, "seed_quantity": "0.1", "seed_unit": "kg"}, officer)
    harvest = {
        "harvested_on": "2027-01-20",
        "quantity": "10",
        "unit": "kg",
        "credits": [{"participant_id": participant_id, "hours": "4"}],
    }

    async def recorded() -> dict[str, Any] | None:  # once production has learnt the enrolment
        answer = await production.http.post(f"/cycles/{cycle['id']}/harvests", json=harvest, headers=officer)
        return answer.json() if answer.status_code == 201 else None

    harvested = await eventually(recorded)
    lot = {"lot_code": "KK-0120-A", "grade": "A", "quantity": "10", "unit": "kg", "best_before": "2027-01-27"}
    [graded] = (
        await production.http.post(f"/harvests/{harvested['id']}/lots", json={"lots": [lot]}, headers=officer)
    ).json()
    released = await production.http.post(f"/lots/{graded['id']}/release-for-sale", headers=officer)
    assert released.status_code == 200, released.text
    return graded


async def test_a_fulfilled_order_reaches_the_lots_balance_and_the_participants_training_record(
    enrolment: RunningService, production: RunningService, marketplace: RunningService
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES, "attendance:write", "assessments:write")
    participant_id, programme = await completed_participant(enrolment, staff)
    lot = await credited_lot(production, programme["id"], participant_id)

    officer = await marketplace.mint_key("listings:write", "orders:manage")
    buyer = await marketplace.mint_key("orders:write")
    listing = await published(marketplace, officer, (await draft_of(marketplace, officer))["id"])
    line = {"listing_id": listing["id"], "quantity": "2"}
    order = (
        await marketplace.http.post(
            "/orders", json={"lines": [line], "buyer": {"name": "Bu Sri", "contact": "0812"}}, headers=buyer
        )
    ).json()
    await once_reserved(marketplace, order["id"], officer)  # paid once production reserved its lot
    for step, body in (
        ("confirm", {"payment_method": "cash", "paid_on": TODAY}),
        ("fulfil", {"fulfilment": "pickup", "fulfilled_on": TODAY}),
    ):
        done = await marketplace.http.post(f"/orders/{order['id']}/{step}", json=body, headers=officer)
        assert done.status_code == 200, done.text

    lots_reader = await production.mint_key("production:read")

    async def accounted() -> dict[str, Any] | None:
        now = (await production.http.get(f"/lots/{lot['id']}", headers=lots_reader)).json()
        return now if now["dispositions"] else None

    balance = await eventually(accounted)
    assert [(d["kind"], Decimal(d["quantity"])) for d in balance["dispositions"]] == [("sold", 2)]
    assert Decimal(balance["balance"]) == 8

    async def paid() -> dict[str, Any] | None:
        url = f"/participants/{participant_id}/training-record"
        record: dict[str, Any] = (await enrolment.http.get(url, headers=staff)).json()
        return record if record["premi"] else None

    record = await eventually(paid)
    # Rp24.000 at the default terms: half is premi, all of it the one credited participant's
    assert record["premi_owed"] == {"IDR": "12000"}


WRITE_OFF = {"kind": "written_off", "quantity": "10", "unit": "kg", "on": "2027-01-12", "reason": "layu di rak"}
BUYER = {"name": "Koperasi Maju Bersama", "contact": "0812"}


async def ordered_and_fulfilled(
    marketplace: RunningService, buyer: dict[str, str], manager: dict[str, str], listing_id: str, placed: asyncio.Event
) -> dict[str, Any] | None:
    """An order of half the lot's 10 kg (what one buyer may hold of it), paid and fulfilled as soon as the
    marketplace lets it; the order as it ended (fulfilled or cancelled), or None when it could not even be placed.
    `placed` is set once it was (or was not)."""
    line = {"listing_id": listing_id, "quantity": "5"}
    try:
        answer = await marketplace.http.post("/orders", json={"lines": [line], "buyer": BUYER}, headers=buyer)
    finally:
        placed.set()
    if answer.status_code == 409:
        return None
    assert answer.status_code == 201, answer.text
    order_id = answer.json()["id"]

    async def settled() -> dict[str, Any] | None:  # paid once production reserved it, or cancelled if refused
        paid = {"payment_method": "cash", "paid_on": TODAY}
        confirmed = await marketplace.http.post(f"/orders/{order_id}/confirm", json=paid, headers=manager)
        if confirmed.status_code == 200:
            handed = {"fulfilment": "pickup", "fulfilled_on": TODAY}
            done = await marketplace.http.post(f"/orders/{order_id}/fulfil", json=handed, headers=manager)
            assert done.status_code == 200, done.text
            body: dict[str, Any] = done.json()
            return body
        assert confirmed.status_code == 409, confirmed.text
        now: dict[str, Any] = (await marketplace.http.get(f"/orders/{order_id}", headers=manager)).json()
        return now if now["status"] == "cancelled" else None

    return await eventually(settled, interval=0.02)


async def test_a_write_off_racing_a_fulfilment_leaves_the_lot_to_one_of_them_and_settles_only_goods_sold(
    production: RunningService, marketplace: RunningService
) -> None:
    producer = await production.mint_key("production:write", "production:read")
    manager = await marketplace.mint_key("listings:write", "orders:manage", "settlement:read")
    buyer = await marketplace.mint_key("orders:write")
    commodities = ["kangkung", "pakcoy", "bayam", "selada", "sawi", "seledri"]
    lots = [await released_lot(production, producer, commodity=commodity) for commodity in commodities]
    listings = [await draft_of(marketplace, manager, commodity) for commodity in commodities]
    for listing in listings:
        await published(marketplace, manager, listing["id"])

    async def race(lot: dict[str, Any], listing: dict[str, Any], start: str) -> tuple[int, dict[str, Any] | None]:
        """The write-off sent at once, or once the order is placed (its hold on its way to production), or once
        the order holds the lot reserved (the write-off must then lose)."""
        placed = asyncio.Event()
        order = asyncio.create_task(ordered_and_fulfilled(marketplace, buyer, manager, listing["id"], placed))
        if start != "at once":
            await placed.wait()
        if start == "once reserved":
            await eventually(lambda: reserved_lot(lot["id"]))
        written = await production.http.post(f"/lots/{lot['id']}/dispositions", json=WRITE_OFF, headers=producer)
        return written.status_code, await order

    async def reserved_lot(lot_id: str) -> bool:
        """Held for the order (5 kg left for anything else), or already sold to it: a fulfilment can follow the
        hold within one probe's interval, and the write-off must lose either way."""
        now = (await production.http.get(f"/lots/{lot_id}", headers=producer)).json()
        return Decimal(now["balance"]) == 5

    starts = ["at once", "once placed", "once reserved"] * 2
    outcomes = await asyncio.gather(*(race(*each) for each in zip(lots, listings, starts, strict=True)))
    fulfilled_total = 0
    assert {written for written, _ in outcomes} == {201, 409}, outcomes  # each side won at least once
    for lot, (written, order) in zip(lots, outcomes, strict=True):
        fulfilled = order is not None and order["status"] == "fulfilled"
        # one of the two has the lot: the write-off of all 10 kg, or the order of 5 (the write-off then refused as
        # over what the lot holds for anything else)
        assert (written, fulfilled) in ((201, False), (409, True)), (written, order)
        expected = [("sold", Decimal(5))] if fulfilled else [("written_off", Decimal(10))]

        async def accounted(lot_id: str = lot["id"], expected: Any = expected) -> dict[str, Any] | None:
            now: dict[str, Any] = (await production.http.get(f"/lots/{lot_id}", headers=producer)).json()
            taken = [(d["kind"], Decimal(d["quantity"])) for d in now["dispositions"]]
            return now if taken == expected else None

        now = await eventually(accounted)
        assert Decimal(now["balance"]) == (5 if fulfilled else 0)
        fulfilled_total += order["total"] if fulfilled and order else 0

    period = {"start": "2026-11-01", "end": "2026-11-30"}
    report = (await marketplace.http.get("/settlements/report", params=period, headers=manager)).json()
    # money settled for exactly the orders whose goods production sold, not for what it wrote off
    assert (report["proceeds"], report["orders_total"]) == (fulfilled_total, fulfilled_total), report
