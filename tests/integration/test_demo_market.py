"""`make run`'s demo, through the real APIs of three services: the season's products are listed and published,
an order stands in every state, and the settled sale's premi is on the credited participants' records."""

from datetime import date
from typing import Any

import httpx

from deploy.demo_data import load_participants, load_training, run_training
from deploy.demo_market import load_market
from deploy.demo_season import load_season
from tests.support.services import RunningService, eventually


async def test_the_demo_lists_the_season_walks_an_order_through_every_state_and_pays_premi(
    enrolment: RunningService, production: RunningService, marketplace: RunningService
) -> None:
    keys = [await service.mint_key("admin") for service in (enrolment, production, marketplace)]
    clients = [
        httpx.AsyncClient(base_url=service.base_url, headers=key, timeout=60)
        for service, key in zip((enrolment, production, marketplace), keys, strict=True)
    ]
    async with clients[0] as people, clients[1] as produce, clients[2] as market:
        in_custody, _ = await load_participants(people)
        cohorts = await load_training(people, in_custody)
        await run_training(people, cohorts)
        programmes = {cohort.agency_id: cohort.programme_id for cohort in cohorts}
        trainees = {cohort.agency_id: [e["participant_id"] for e in cohort.enrolments] for cohort in cohorts}
        await load_season(produce, programmes, trainees)
        done = await load_market(market, programmes["dinas-perikanan"])

        catalogue = (await market.get("/listings")).json()["items"]
        assert {item["category"] for item in catalogue} == {"vegetables", "fish", "processed_food"}
        assert all(date.fromisoformat(p["produced_on"]) < date.today() for i in catalogue for p in i["provenance"])
        states = {
            state: (await market.get(f"/orders/{order}")).json()["status"] for state, order in done["orders"].items()
        }
        assert states == {state: state for state in ("fulfilled", "confirmed", "cancelled", "held")}
        today = date.today().isoformat()
        report = (await market.get("/settlements/report", params={"start": today, "end": today})).json()
        assert report["reconciled"] is True
        paid = {
            share["participant_id"]
            for ledger in report["programmes"]
            for s in ledger["settlements"]
            for share in s["paid"]
        }
        assert paid

        async def on_record() -> dict[str, Any] | None:
            record = (await people.get(f"/participants/{sorted(paid)[0]}/training-record")).json()
            return record if record["premi"] else None

        record = await eventually(on_record)
        assert record["premi_owed"]["IDR"] != "0"
