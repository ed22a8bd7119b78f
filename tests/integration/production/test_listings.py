"""Over real HTTP: a closed cycle takes no more harvests or batches; harvests and lots list a page at a time;
lot codes are unique."""

from typing import Any

from tests.support.production import created, problem_of, rack, workshop
from tests.support.services import RunningService

PROGRAMME = "dkpp-hidroponik-2026"


async def cycle_on(production: RunningService, officer: dict[str, str], site: dict[str, Any], **more: Any) -> Any:
    made = await created(production, "/sites", site, officer)
    start = {"site_id": made["id"], "programme_id": PROGRAMME, "started_on": "2027-01-11", **more}
    return await created(production, "/cycles", start, officer)


async def listed(production: RunningService, officer: dict[str, str], path: str, **params: Any) -> list[Any]:
    """Every item of a listing, walking its pages one item at a time."""
    items: list[Any] = []
    cursor = None
    while True:
        page = {**params, "limit": 1, **({"after": cursor} if cursor else {})}
        response = await production.http.get(path, params=page, headers=officer)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


async def test_a_closed_cycle_takes_no_more_harvests_or_batches(production: RunningService) -> None:
    officer = await production.mint_key("production:write", "production:read")
    planting = await cycle_on(production, officer, rack(), commodity="kangkung", seed_quantity="0.2", seed_unit="kg")
    harvest = {"harvested_on": "2027-02-20", "quantity": "12", "unit": "kg"}
    await created(production, f"/cycles/{planting['id']}/harvests", harvest, officer)
    close = f"/cycles/{planting['id']}/close"
    problem_of(await production.http.post(close, json={"closed_on": "2027-02-19"}, headers=officer), 422, "closed_on")
    closed = await production.http.post(close, json={"closed_on": "2027-02-28"}, headers=officer)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["closed_on"]) == ("closed", "2027-02-28")
    late = await production.http.post(f"/cycles/{planting['id']}/harvests", json=harvest, headers=officer)
    problem_of(late, 409, "cycle_id")
    problem_of(await production.http.post(close, json={"closed_on": "2027-03-01"}, headers=officer), 409, "cycle_id")

    run = await cycle_on(production, officer, workshop(), commodity="keripik")
    done = await production.http.post(f"/cycles/{run['id']}/close", json={"closed_on": "2027-01-31"}, headers=officer)
    assert done.status_code == 200, done.text
    batch = {"batch_code": "K-1", "units": 10, "produced_on": "2027-01-31"}
    problem_of(await production.http.post(f"/cycles/{run['id']}/batches", json=batch, headers=officer), 409, "cycle_id")
    listed_closed = await production.http.get("/cycles", params={"status": "closed"}, headers=officer)
    assert {c["id"] for c in listed_closed.json()["items"]} == {planting["id"], run["id"]}


async def test_harvests_and_lots_list_by_filter_a_page_at_a_time_and_lot_codes_are_unique(
    production: RunningService,
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    planting = await cycle_on(production, officer, rack(), commodity="kangkung", seed_quantity="0.2", seed_unit="kg")
    other = await cycle_on(production, officer, rack(), commodity="pakcoy", seed_quantity="0.2", seed_unit="kg")
    path = f"/cycles/{planting['id']}/harvests"
    first = await created(production, path, {"harvested_on": "2027-02-01", "quantity": "20", "unit": "kg"}, officer)
    second = await created(production, path, {"harvested_on": "2027-02-08", "quantity": "10", "unit": "kg"}, officer)
    third = await created(
        production,
        f"/cycles/{other['id']}/harvests",
        {"harvested_on": "2027-02-08", "quantity": "5", "unit": "kg"},
        officer,
    )
    by_cycle = await listed(production, officer, "/harvests", cycle_id=planting["id"])
    assert [h["id"] for h in by_cycle] == [first["id"], second["id"]]
    by_programme = await listed(production, officer, "/harvests", programme_id=PROGRAMME)
    assert [h["id"] for h in by_programme] == [first["id"], second["id"], third["id"]]

    def grading(*lots: tuple[str, str, str]) -> dict[str, Any]:
        return {"lots": [{"lot_code": c, "grade": g, "quantity": q, "unit": "kg"} for c, g, q in lots]}

    graded = await production.http.post(
        f"/harvests/{first['id']}/lots", json=grading(("KK-1", "A", "12"), ("KK-2", "B", "8")), headers=officer
    )
    assert graded.status_code == 201, graded.text
    taken = await production.http.post(
        f"/harvests/{second['id']}/lots", json=grading(("KK-1", "A", "1")), headers=officer
    )
    assert "KK-1" in problem_of(taken, 409, "lot_code")["detail"]
    twice = grading(("KK-3", "A", "1"), ("KK-3", "B", "1"))
    problem_of(
        await production.http.post(f"/harvests/{second['id']}/lots", json=twice, headers=officer), 409, "lot_code"
    )
    await production.http.post(f"/harvests/{second['id']}/lots", json=grading(("KK-3", "B", "10")), headers=officer)
    a_lot = graded.json()[0]
    assert (await production.http.post(f"/lots/{a_lot['id']}/release-for-sale", headers=officer)).status_code == 200

    # lots graded together were made in the same millisecond, so only their id orders them
    everything = [lot["lot_code"] for lot in await listed(production, officer, "/lots")]
    assert (sorted(everything[:2]), everything[2:]) == (["KK-1", "KK-2"], ["KK-3"])
    of_first = await listed(production, officer, "/lots", harvest_id=first["id"])
    assert sorted(lot["lot_code"] for lot in of_first) == ["KK-1", "KK-2"]
    assert [lot["lot_code"] for lot in await listed(production, officer, "/lots", grade="B")] == ["KK-2", "KK-3"]
    released = await listed(production, officer, "/lots", released="true")
    assert [lot["lot_code"] for lot in released] == ["KK-1"]
    held = await listed(production, officer, "/lots", released="false", grade="B", harvest_id=first["id"])
    assert [lot["lot_code"] for lot in held] == ["KK-2"]


async def test_batches_list_by_cycle_and_programme_a_page_at_a_time(production: RunningService) -> None:
    officer = await production.mint_key("production:write", "production:read")
    keripik = await cycle_on(production, officer, workshop(), commodity="keripik")
    abon = await cycle_on(production, officer, workshop(name="Dapur 2"), commodity="abon", programme_id="other")
    made = [
        await created(
            production,
            f"/cycles/{cycle['id']}/batches",
            {"batch_code": code, "units": 40, "produced_on": "2027-01-20", "best_before": "2027-04-20"},
            officer,
        )
        for cycle, code in ((keripik, "K-1"), (abon, "A-1"), (keripik, "K-2"))
    ]
    by_cycle = await listed(production, officer, "/batches", cycle_id=keripik["id"])
    assert [batch["batch_code"] for batch in by_cycle] == ["K-1", "K-2"]
    assert by_cycle[0] == made[0]
    by_programme = await listed(production, officer, "/batches", programme_id="other")
    assert [batch["batch_code"] for batch in by_programme] == ["A-1"]
    assert [batch["id"] for batch in await listed(production, officer, "/batches")] == [b["id"] for b in made]
