"""Figures over real HTTP match a small season computed by hand; an agency reads its own programmes only."""

from decimal import Decimal
from typing import Any

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import publish
from tests.support.production import created, pond, problem_of, programme_published, rack
from tests.support.services import RunningService, eventually

CROPS, FISH = "dkpp-hidroponik", "perikanan-lele"


async def season(production: RunningService, officer: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A rack of 12.5 m2 giving 31.5 kg, 4 kg of it distributed; a pond of 2000 fish giving 165.5 kg, 1850 fish."""
    bed = await created(production, "/sites", rack(area_m2="12.5"), officer)
    water = await created(production, "/sites", pond(), officer)
    start = {"started_on": "2027-01-11"}
    kangkung = {"programme_id": CROPS, "commodity": "kangkung", "seed_quantity": "0.25", "seed_unit": "kg"}
    planting = await created(production, "/cycles", {"site_id": bed["id"], **start, **kangkung}, officer)
    lele = {"programme_id": FISH, "commodity": "lele", "stocked_count": 2000}
    stocking = await created(production, "/cycles", {"site_id": water["id"], **start, **lele}, officer)
    for quantity, unit, on in (("150", "kg", "2027-01-11"), ("0.1", "t", "2027-02-01"), ("50", "kg", "2027-05-01")):
        feed = {"site_id": water["id"], "agency_id": "dinas-perikanan", "kind": "feed", "item": "pelet"}
        await created(production, "/inputs", {**feed, "quantity": quantity, "unit": unit, "received_on": on}, officer)
    crops = f"/cycles/{planting['id']}/harvests"
    first = await created(production, crops, {"harvested_on": "2027-02-01", "quantity": "30", "unit": "kg"}, officer)
    await created(production, crops, {"harvested_on": "2027-02-15", "quantity": "1500", "unit": "g"}, officer)
    fish = f"/cycles/{stocking['id']}/harvests"
    for on, quantity, unit, count in (("2027-04-01", "120", "kg", 1500), ("2027-04-20", "45500", "g", 350)):
        await created(
            production, fish, {"harvested_on": on, "quantity": quantity, "unit": unit, "fish_count": count}, officer
        )
    response = await production.http.post(
        f"/harvests/{first['id']}/lots",
        json={"lots": [{"lot_code": "KK-A", "grade": "A", "quantity": "20", "unit": "kg"}]},
        headers=officer,
    )
    assert response.status_code == 201, response.text
    given = {"kind": "distributed", "quantity": "4000", "unit": "g", "on": "2027-02-16", "recipient": "Lumbung"}
    await created(production, f"/lots/{response.json()[0]['id']}/dispositions", given, officer)
    return planting, stocking


async def test_figures_match_a_season_computed_by_hand_and_agencies_read_only_their_own(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    officer = await production.mint_key("production:write", "production:read", "figures:read")
    dkpp = await production.mint_key("figures:read", agency_id="dkpp")
    await publish(
        infrastructure,
        f"{namespace}enrolment.events",
        [programme_published(CROPS, "dkpp"), programme_published(FISH, "x")],
    )
    planting, stocking = await season(production, officer)

    async def learnt() -> bool:
        response = await production.http.get("/figures", params={"programme_id": CROPS}, headers=dkpp)
        return response.status_code == 200

    await eventually(learnt)
    fish = (await production.http.get(f"/cycles/{stocking['id']}/figures", headers=officer)).json()
    # 1850 of 2000 fish; (150 + 100) kg of feed from the start to the last harvest, over 165.5 kg of fish
    assert (fish["fish_count"], fish["survival_rate"], Decimal(fish["feed_kg"])) == (1850, "0.9250", 250)
    assert (Decimal(fish["output"]["kg"]), fish["feed_conversion_ratio"], fish["yield_per_m2"]) == (
        Decimal("165.5"),
        "1.5106",
        None,
    )
    crops = (await production.http.get(f"/cycles/{planting['id']}/figures", headers=officer)).json()
    assert (crops["yield_per_m2"], crops["harvests"], crops["survival_rate"]) == ("2.5200", 2, None)

    quarter = {"from": "2027-01-01", "to": "2027-03-31"}
    found = (await production.http.get("/figures", params=quarter, headers=officer)).json()
    assert (found["from"], found["to"]) == ("2027-01-01", "2027-03-31")
    [row] = found["programmes"]  # the fish were harvested in April
    assert (row["programme_id"], row["agency_id"], row["commodity"]) == (CROPS, "dkpp", "kangkung")
    assert (Decimal(row["output"]["kg"]), Decimal(row["food_security"]["kg"])) == (Decimal("31.5"), 4)
    assert [cycle["cycle_id"] for cycle in row["cycles"]] == [planting["id"]]
    whole = (await production.http.get("/figures", headers=officer)).json()["programmes"]
    assert [(r["programme_id"], r["agency_id"]) for r in whole] == [(CROPS, "dkpp"), (FISH, "x")]

    own = (await production.http.get("/figures", headers=dkpp)).json()["programmes"]
    assert [r["programme_id"] for r in own] == [CROPS]
    other = await production.http.get("/figures", params={"agency_id": "x"}, headers=dkpp)
    problem_of(other, 403, "agency_id")
    problem_of(await production.http.get("/figures", params={"programme_id": FISH}, headers=dkpp), 404, "programme_id")
    problem_of(await production.http.get(f"/cycles/{stocking['id']}/figures", headers=dkpp), 404, "cycle_id")
    assert (await production.http.get(f"/cycles/{planting['id']}/figures", headers=dkpp)).status_code == 200
    writer = await production.mint_key("production:read")
    assert (await production.http.get("/figures", headers=writer)).status_code == 403
    problem_of(
        await production.http.get("/figures", params={"from": "2027-02-01", "to": "2027-01-01"}, headers=dkpp),
        422,
        "to",
    )
