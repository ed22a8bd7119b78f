"""Lots over real HTTP: graded within the harvest, conserved under concurrent dispositions, announced in the feed."""

import asyncio
from decimal import Decimal
from typing import Any

from tests.support.production import PROGRAMME, created, created_list, fed, harvested, lot, problem_of
from tests.support.services import RunningService, eventually


async def test_no_more_is_graded_than_was_harvested_counting_every_unit_exactly(production: RunningService) -> None:
    officer = await production.mint_key("production:write", "production:read")
    harvest = await harvested(production, officer, "50")
    path = f"/harvests/{harvest['id']}/lots"
    over = await production.http.post(
        path, json={"lots": [lot("A", "A", "40"), lot("B", "B", "10001", "g")]}, headers=officer
    )
    problem_of(over, 422, "lots")
    response = await production.http.post(
        path, json={"lots": [lot("A", "A", "40"), lot("B", "B", "10000", "g")]}, headers=officer
    )
    assert response.status_code == 201, response.text
    assert [(made["quantity"], made["unit"], made["balance"]) for made in response.json()] == [
        ("40", "kg", "40"),
        ("10000", "g", "10000"),
    ]
    problem_of(await production.http.post(path, json={"lots": [lot("C", "C", "1", "g")]}, headers=officer), 422, "lots")
    assert (await production.http.get(f"/harvests/{harvest['id']}", headers=officer)).json()["graded"] == "50.000"


async def test_concurrent_dispositions_never_take_more_than_the_lot_holds(production: RunningService) -> None:
    officer = await production.mint_key("production:write", "production:read")
    harvest = await harvested(production, officer, "40")
    [graded] = await created_list(
        production, f"/harvests/{harvest['id']}/lots", {"lots": [lot("A", "A", "40")]}, officer
    )
    take = {"kind": "sold", "quantity": "3000", "unit": "g", "on": "2027-01-11"}
    path = f"/lots/{graded['id']}/dispositions"
    responses = await asyncio.gather(*(production.http.post(path, json=take, headers=officer) for _ in range(16)))

    accepted = [response for response in responses if response.status_code == 201]
    refused = [response for response in responses if response.status_code != 201]
    assert len(accepted) == 13, [response.text for response in refused]
    for response in refused:
        problem_of(response, 409, "quantity")
    now = (await production.http.get(f"/lots/{graded['id']}", headers=officer)).json()
    assert Decimal(now["balance"]) == Decimal(1)
    assert len(now["dispositions"]) == 13
    assert sum(Decimal(taken["quantity"]) for taken in now["dispositions"]) == Decimal(39)


async def test_a_reservation_is_released_back_into_the_balance_once(production: RunningService) -> None:
    officer = await production.mint_key("production:write", "production:read")
    harvest = await harvested(production, officer, "20")
    [graded] = await created_list(
        production, f"/harvests/{harvest['id']}/lots", {"lots": [lot("A", "A", "20")]}, officer
    )
    path = f"/lots/{graded['id']}/dispositions"
    moves = {"quantity": "8", "unit": "kg", "on": "2027-01-11"}
    reserved = await production.http.post(path, json={"kind": "reserved", **moves}, headers=officer)
    assert (reserved.json()["balance"], reserved.json()["reserved"]) == ("12", "8")
    released = await production.http.post(path, json={"kind": "reservation_released", **moves}, headers=officer)
    assert (released.json()["balance"], released.json()["reserved"]) == ("20", "0")
    again = await production.http.post(path, json={"kind": "reservation_released", **moves}, headers=officer)
    assert "Only 0 kg is reserved" in problem_of(again, 409, "quantity")["detail"]


async def test_lot_events_reach_the_feed_with_provenance_and_opaque_ids_only(
    production: RunningService, notifications: RunningService
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    reader = await notifications.mint_key("events:read")
    harvest = await harvested(production, officer, "20")
    [graded] = await created_list(
        production, f"/harvests/{harvest['id']}/lots", {"lots": [lot("K-A", "A", "20")]}, officer
    )
    path = f"/lots/{graded['id']}/dispositions"
    given = {"kind": "distributed", "quantity": "2.5", "unit": "kg", "on": "2027-01-11", "recipient": "Lumbung pangan"}
    await created(production, path, given, officer)
    problem_of(await production.http.post(path, json={**given, "recipient": None}, headers=officer), 422, "recipient")
    spoiled = {"kind": "written_off", "quantity": "500", "unit": "g", "on": "2027-01-12", "reason": "wilted"}
    await created(production, path, spoiled, officer)
    released = await production.http.post(f"/lots/{graded['id']}/release-for-sale", headers=officer)
    assert released.status_code == 200, released.text
    assert released.json()["released_for_sale"] is True
    problem_of(await production.http.post(f"/lots/{graded['id']}/release-for-sale", headers=officer), 409, "lot_id")

    entries = await eventually(lambda: _at_least(4, fed(notifications, reader, graded["id"])))
    by_type = {entry["type"]: entry["data"] for entry in entries}
    assert by_type["production.lot.graded"]["quantity"] == "20"
    assert by_type["production.lot.distributed"] == {
        "lot_id": graded["id"],
        "quantity": "2.5",
        "unit": "kg",
        "recipient": "Lumbung pangan",
        "distributed_on": "2027-01-11",
        "balance": "17.5",
    }
    assert by_type["production.lot.written_off"]["quantity"] == "0.500"
    assert by_type["production.lot.released_for_sale"] == {
        "lot_id": graded["id"],
        "lot_code": "K-A",
        "product": "kangkung",
        "quantity": "17.000",
        "unit": "kg",
        "grade": "A",
        "best_before": "2027-01-14",
        "programme_id": PROGRAMME,
        "site_id": harvest["site_id"],
        "cycle_id": harvest["cycle_id"],
        "harvest_id": harvest["id"],
        "batch_id": None,
    }


async def _at_least(count: int, entries: Any) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = await entries
    return found if len(found) >= count else None
