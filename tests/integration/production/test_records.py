"""Inputs received and production cycles over real HTTP: exact amounts, announced in the feed, refused when unsound."""

from typing import Any
from uuid import uuid4

from tests.support.production import created, fed, pond, problem_of, rack
from tests.support.services import RunningService, eventually


def kangkung_seed(site_id: str | None, **overrides: Any) -> dict[str, Any]:
    return {
        "site_id": site_id,
        "agency_id": "dkpp",
        "kind": "seed",
        "item": "kangkung seed",
        "quantity": "1.50",
        "unit": "kg",
        "received_on": "2026-12-01",
        **overrides,
    }


def planting(site_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "site_id": site_id,
        "programme_id": "dkpp-hidroponik-2026",
        "commodity": "kangkung",
        "started_on": "2026-12-03",
        "seed_quantity": 0.1,
        "seed_unit": "kg",
        **overrides,
    }


async def test_an_input_received_keeps_its_exact_quantity_and_reaches_the_feed(
    production: RunningService, notifications: RunningService
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    reader = await notifications.mint_key("events:read")
    site = await created(production, "/sites", rack(), officer)

    received = await created(production, "/inputs", kangkung_seed(site["id"]), officer)
    assert (received["quantity"], received["unit"], received["site_id"]) == ("1.50", "kg", site["id"])
    listed = (await production.http.get("/inputs", params={"site_id": site["id"]}, headers=officer)).json()
    assert listed["items"] == [received]

    [entry] = await eventually(lambda: fed(notifications, reader, received["id"]))
    assert entry["type"] == "production.input.received"
    assert entry["data"] == {
        "input_id": received["id"],
        "site_id": site["id"],
        "agency_id": "dkpp",
        "kind": "seed",
        "item": "kangkung seed",
        "quantity": "1.50",
        "unit": "kg",
        "received_on": "2026-12-01",
    }


async def test_inputs_are_listed_by_agency_and_kind_across_pages(production: RunningService) -> None:
    officer = await production.mint_key("production:write", "production:read")
    fish = {"agency_id": "dinas-perikanan", "kind": "fingerlings", "item": "lele", "quantity": 2000, "unit": "count"}
    fingerlings = [await created(production, "/inputs", kangkung_seed(None, **fish), officer) for _ in range(3)]
    await created(production, "/inputs", kangkung_seed(None), officer)

    first = (
        await production.http.get("/inputs", params={"agency_id": "dinas-perikanan", "limit": 2}, headers=officer)
    ).json()
    rest = await production.http.get(
        "/inputs", params={"agency_id": "dinas-perikanan", "limit": 2, "after": first["next_cursor"]}, headers=officer
    )
    assert first["items"] + rest.json()["items"] == fingerlings
    assert rest.json()["next_cursor"] is None
    assert fingerlings[0]["quantity"] == "2000"
    seeds = (await production.http.get("/inputs", params={"kind": "seed"}, headers=officer)).json()["items"]
    assert [item["agency_id"] for item in seeds] == ["dkpp"]


async def test_a_planting_and_a_stocking_start_and_reach_the_feed(
    production: RunningService, notifications: RunningService
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    reader = await notifications.mint_key("events:read")
    bed, water = (
        await created(production, "/sites", rack(), officer),
        await created(production, "/sites", pond(), officer),
    )

    sown = await created(production, "/cycles", planting(bed["id"]), officer)
    assert (sown["kind"], sown["status"], sown["seed_quantity"], sown["stocked_count"]) == (
        "planting",
        "open",
        "0.1",
        None,
    )
    stocking = {"site_id": water["id"], "programme_id": "perikanan-lele-2026", "commodity": "lele"}
    stocked = await created(
        production, "/cycles", {**stocking, "started_on": "2026-12-04", "stocked_count": 2000}, officer
    )
    assert (stocked["kind"], stocked["seed_quantity"], stocked["stocked_count"]) == ("stocking", None, 2000)
    assert (await production.http.get(f"/cycles/{sown['id']}", headers=officer)).json() == sown
    by_programme = await production.http.get("/cycles", params={"programme_id": "perikanan-lele-2026"}, headers=officer)
    assert by_programme.json()["items"] == [stocked]
    open_on_bed = await production.http.get("/cycles", params={"site_id": bed["id"], "status": "open"}, headers=officer)
    assert open_on_bed.json()["items"] == [sown]

    [entry] = await eventually(lambda: fed(notifications, reader, stocked["id"]))
    assert entry["type"] == "production.cycle.started"
    assert entry["data"] == {
        "cycle_id": stocked["id"],
        "site_id": water["id"],
        "programme_id": "perikanan-lele-2026",
        "commodity": "lele",
        "kind": "stocking",
        "started_on": "2026-12-04",
        "seed_quantity": None,
        "seed_unit": None,
        "stocked_count": 2000,
    }
    [sown_entry] = await eventually(lambda: fed(notifications, reader, sown["id"]))
    assert (sown_entry["data"]["seed_quantity"], sown_entry["data"]["seed_unit"]) == ("0.1", "kg")


async def test_a_quantity_that_is_not_above_zero_or_in_a_known_unit_is_refused_naming_it(
    production: RunningService,
) -> None:
    officer = await production.mint_key("production:write")
    for quantity in (0, "-2.5", "0.000"):
        response = await production.http.post("/inputs", json=kangkung_seed(None, quantity=quantity), headers=officer)
        problem_of(response, 422, "quantity")
    problem_of(
        await production.http.post("/inputs", json=kangkung_seed(None, unit="sacks"), headers=officer), 422, "unit"
    )
    problem_of(
        await production.http.post("/inputs", json=kangkung_seed(None, quantity="lots"), headers=officer),
        422,
        "quantity",
    )
    site = await created(production, "/sites", rack(), officer)
    problem_of(
        await production.http.post("/cycles", json=planting(site["id"], seed_quantity=-1), headers=officer),
        422,
        "seed_quantity",
    )


async def test_a_cycle_started_against_its_site_kind_is_refused_naming_the_field(production: RunningService) -> None:
    officer = await production.mint_key("production:write")
    water = await created(production, "/sites", pond(), officer)
    bed = await created(production, "/sites", rack(), officer)
    stocking = {
        "site_id": water["id"],
        "programme_id": "perikanan-lele-2026",
        "commodity": "lele",
        "started_on": "2026-12-04",
    }
    problem_of(await production.http.post("/cycles", json=stocking, headers=officer), 422, "stocked_count")
    problem_of(
        await production.http.post("/cycles", json={**stocking, "stocked_count": 0}, headers=officer),
        422,
        "stocked_count",
    )
    problem_of(await production.http.post("/cycles", json=planting(water["id"]), headers=officer), 422, "seed_quantity")
    unsown = planting(bed["id"])
    del unsown["seed_unit"]
    problem_of(await production.http.post("/cycles", json=unsown, headers=officer), 422, "seed_unit")


async def test_an_unknown_site_or_cycle_is_a_404_naming_it(production: RunningService) -> None:
    officer = await production.mint_key("production:write", "production:read")
    nowhere = str(uuid4())
    problem_of(await production.http.post("/inputs", json=kangkung_seed(nowhere), headers=officer), 404, "site_id")
    problem_of(await production.http.post("/cycles", json=planting(nowhere), headers=officer), 404, "site_id")
    problem_of(await production.http.get(f"/cycles/{nowhere}", headers=officer), 404, "cycle_id")
    problem_of(await production.http.get("/inputs", params={"after": "42"}, headers=officer), 422, "after")
    problem_of(await production.http.get("/cycles", params={"after": nowhere}, headers=officer), 422, "after")
