"""Production sites over real HTTP: registered, read, listed page by page, announced, and refused when unsound."""

from uuid import uuid4

from tests.support.production import created, fed, pond, problem_of, rack
from tests.support.services import RunningService, eventually


async def test_a_registered_site_reads_back_and_reaches_the_feed(
    production: RunningService, notifications: RunningService
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    reader = await notifications.mint_key("events:read")

    site = await created(production, "/sites", rack(area_m2=12.5), officer)
    assert site["area_m2"] == "12.5"
    assert site["volume_m3"] is None
    read = await production.http.get(f"/sites/{site['id']}", headers=officer)
    assert read.status_code == 200
    assert read.json() == site

    [entry] = await eventually(lambda: fed(notifications, reader, site["id"]))
    assert entry["type"] == "production.site.registered"
    assert entry["sequence"] == 1
    assert entry["data"] == {
        "site_id": site["id"],
        "facility_id": "rutan-serang",
        "name": site["name"],
        "kind": "hydroponic_rack",
        "area_m2": "12.5",
        "volume_m3": None,
        "registered_at": entry["data"]["registered_at"],
    }


async def test_sites_are_listed_by_facility_and_kind_across_pages_each_once_in_order(
    production: RunningService,
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    racks = [await created(production, "/sites", rack(), officer) for _ in range(5)]
    ponds = [await created(production, "/sites", pond(), officer) for _ in range(2)]
    await created(production, "/sites", rack(facility_id="lapas-cilegon"), officer)

    seen, cursor, pages = [], None, 0
    while True:
        params = {"facility_id": "rutan-serang", "kind": "hydroponic_rack", "limit": 2}
        response = await production.http.get(
            "/sites", params={**params, "after": cursor} if cursor else params, headers=officer
        )
        assert response.status_code == 200, response.text
        pages += 1
        seen += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == racks

    everything = (await production.http.get("/sites", params={"limit": 200}, headers=officer)).json()
    assert len(everything["items"]) == 8
    assert everything["next_cursor"] is None
    only_ponds = (await production.http.get("/sites", params={"kind": "pond"}, headers=officer)).json()
    assert only_ponds["items"] == ponds


async def test_a_site_sized_against_its_kind_is_refused_naming_the_field(production: RunningService) -> None:
    officer = await production.mint_key("production:write")
    without_area = rack()
    del without_area["area_m2"]
    problem_of(await production.http.post("/sites", json=without_area, headers=officer), 422, "area_m2")
    problem_of(await production.http.post("/sites", json=pond(area_m2=40), headers=officer), 422, "area_m2")
    problem_of(await production.http.post("/sites", json=rack(area_m2=0), headers=officer), 422, "area_m2")
    workshop = {"facility_id": "rutan-serang", "name": "Bengkel", "kind": "workshop", "volume_m3": "3"}
    problem_of(await production.http.post("/sites", json=workshop, headers=officer), 422, "volume_m3")
    problem_of(await production.http.post("/sites", json=rack(kind="greenhouse"), headers=officer), 422, "kind")


async def test_a_second_site_of_the_same_name_at_a_facility_is_a_conflict(production: RunningService) -> None:
    officer = await production.mint_key("production:write")
    first = await created(production, "/sites", rack(), officer)
    again = await production.http.post("/sites", json=rack(name=first["name"]), headers=officer)
    problem_of(again, 409, "name")
    await created(production, "/sites", rack(name=first["name"], facility_id="lapas-cilegon"), officer)


async def test_an_unknown_site_is_a_404_and_a_malformed_cursor_a_422(production: RunningService) -> None:
    reader = await production.mint_key("production:read")
    problem_of(await production.http.get(f"/sites/{uuid4()}", headers=reader), 404, "site_id")
    for cursor in ("not-a-cursor", str(uuid4())):
        problem_of(await production.http.get("/sites", params={"after": cursor}, headers=reader), 422, "after")
    problem_of(await production.http.get("/sites", params={"limit": 0}, headers=reader), 422, "query.limit")


async def test_without_a_key_it_is_401_and_without_the_scope_403(production: RunningService) -> None:
    problem_of(await production.http.post("/sites", json=rack()), 401)
    problem_of(await production.http.get("/sites"), 401)
    reader = await production.mint_key("production:read")
    writer = await production.mint_key("production:write")
    problem_of(await production.http.post("/sites", json=rack(), headers=reader), 403)
    problem_of(await production.http.get("/sites", headers=writer), 403)
    problem_of(await production.http.post("/inputs", json={}, headers=reader), 403)
    problem_of(await production.http.get("/inputs", headers=writer), 403)
    problem_of(await production.http.post("/cycles", json={}, headers=reader), 403)
    problem_of(await production.http.get(f"/cycles/{uuid4()}", headers=writer), 403)
