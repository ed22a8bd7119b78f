"""Numbers and days that used to reach the database or date arithmetic and break there are refused naming the field."""

from typing import Any

from tests.support.production import created, pond, problem_of, workshop
from tests.support.services import RunningService

BEYOND_INT64 = 2**63


def stocking(site_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "site_id": site_id,
        "programme_id": "perikanan-lele-2026",
        "commodity": "lele",
        "started_on": "2026-12-04",
        "stocked_count": 2000,
        **overrides,
    }


async def test_counts_beyond_what_the_database_stores_are_refused(production: RunningService) -> None:
    officer = await production.mint_key("production:write", "production:read")
    water = await created(production, "/sites", pond(), officer)
    too_many = stocking(water["id"], stocked_count=BEYOND_INT64)
    problem_of(await production.http.post("/cycles", json=too_many, headers=officer), 422, "stocked_count")

    cycle = await created(production, "/cycles", stocking(water["id"]), officer)
    harvest = {"harvested_on": "2027-01-10", "quantity": "61.5", "unit": "kg", "fish_count": BEYOND_INT64}
    harvested = await production.http.post(f"/cycles/{cycle['id']}/harvests", json=harvest, headers=officer)
    problem_of(harvested, 422, "fish_count")

    bench = await created(production, "/sites", workshop(), officer)
    run = {
        "site_id": bench["id"],
        "programme_id": "diskoperindag-keripik",
        "commodity": "keripik",
        "started_on": "2026-12-04",
    }
    workshop_cycle = await created(production, "/cycles", run, officer)
    batch = {"batch_code": "KRP-1", "units": BEYOND_INT64, "produced_on": "2027-01-10"}
    made = await production.http.post(f"/cycles/{workshop_cycle['id']}/batches", json=batch, headers=officer)
    problem_of(made, 422, "units")


async def test_days_in_year_one_are_refused(production: RunningService) -> None:
    officer = await production.mint_key("production:write", "production:read")
    water = await created(production, "/sites", pond(), officer)
    ancient = stocking(water["id"], started_on="0001-01-01")
    problem_of(await production.http.post("/cycles", json=ancient, headers=officer), 422, "started_on")
    cycle = await created(production, "/cycles", stocking(water["id"]), officer)
    harvest = {"harvested_on": "0001-01-01", "quantity": "61.5", "unit": "kg", "fish_count": 10}
    harvested = await production.http.post(f"/cycles/{cycle['id']}/harvests", json=harvest, headers=officer)
    problem_of(harvested, 422, "harvested_on")
    query = {"programme_id": "perikanan-lele-2026", "on": "0001-01-01"}
    asked = await production.http.get("/participants/someone/standing", params=query, headers=officer)
    problem_of(asked, 422, "query.on")
