"""The demo season of `make run` records through the real API, crediting participants once production knows them."""

from datetime import date
from decimal import Decimal

import httpx

from deploy.demo_season import load_season
from shared.contracts.enrolment import EnrolmentActivated
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import publish
from tests.support.production import Enrolment, programme_published
from tests.support.services import RunningService

PROGRAMMES = {"dkpp": "demo-hidroponik", "dinas-perikanan": "demo-lele", "diskoperindag": "demo-keripik"}


async def test_the_demo_season_is_recorded_whole_and_credits_the_active_participants(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    admin = await production.mint_key("admin")
    enrolments = {agency: [Enrolment(programme_id=p) for _ in range(3)] for agency, p in PROGRAMMES.items()}
    messages = [programme_published(programme, agency) for agency, programme in PROGRAMMES.items()]
    for each in enrolments.values():
        messages += [e.event(EnrolmentActivated(**e.ids, active_from=date(2026, 7, 6)), 2) for e in each]
    await publish(infrastructure, f"{namespace}enrolment.events", messages)
    participants = {agency: [e.participant_id for e in each] for agency, each in enrolments.items()}

    async with httpx.AsyncClient(base_url=production.base_url, headers=admin, timeout=30) as client:
        counts = await load_season(client, PROGRAMMES, participants)
        assert await load_season(client, PROGRAMMES, participants) == {"already_there": 1}
        found = (await client.get("/figures", params={"agency_id": "dinas-perikanan"})).json()["programmes"]

    assert counts == {
        "sites": 4,
        "inputs": 10,
        "cycles": 4,
        "harvests": 4,
        "batches": 1,
        "lots": 8,
        "credits": 15,
        "distributed": 3,
        "released": 5,
    }
    [fish] = found
    [pond] = fish["cycles"]
    # 1720 of 2000 fish; (60 + 200 + 160) kg of feed over 310.5 kg of fish
    assert (pond["survival_rate"], pond["feed_conversion_ratio"]) == ("0.8600", "1.3527")
    assert Decimal(fish["food_security"]["kg"]) == 40
