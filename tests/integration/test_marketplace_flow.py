"""End to end on the real broker: a harvest credited to a trained participant is listed, ordered and fulfilled;
production accounts the sale in the lot once, and the premi shows on the participant's training record."""

from decimal import Decimal
from typing import Any

from tests.support.enrolment import STAFF_SCOPES, completed_participant
from tests.support.marketplace import draft_of, published
from tests.support.production import created, rack
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
