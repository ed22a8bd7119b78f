"""Production learns who may be credited from enrolment events on the real broker, late, out of order or twice."""

from datetime import date
from typing import Any

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import publish
from tests.support.production import PROGRAMME, Enrolment, created, fed, pond, problem_of, rack, workshop
from tests.support.services import RunningService, eventually


async def enrolments_of(production: RunningService, headers: dict[str, str], participant_id: str) -> Any:
    response = await production.http.get(f"/participants/{participant_id}/enrolments", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def standing(
    production: RunningService, headers: dict[str, str], enrolment: Enrolment, on: str, **more: str
) -> Any:
    params = {"programme_id": enrolment.programme_id, "on": on, **more}
    path = f"/participants/{enrolment.participant_id}/standing"
    response = await production.http.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_read_model_follows_enrolment_events_delivered_out_of_order_and_twice(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    reader = await production.mint_key("production:read")
    enrolment = Enrolment()
    history = [
        enrolment.activated(date(2026, 12, 1)),
        enrolment.suspended(date(2026, 12, 10), 3),
        enrolment.resumed(date(2026, 12, 15), 4),
        enrolment.completed(date(2027, 2, 20), 5),
    ]
    late_first = [history[3], history[1], enrolment.opened(), history[1], history[2], history[0]]
    replayed = [enrolment.suspended(date(2026, 12, 10), 3), enrolment.activated(date(2026, 12, 1))]
    await publish(infrastructure, f"{namespace}enrolment.events", late_first + replayed)

    expected = [
        {
            "id": enrolment.id,
            "cohort_id": enrolment.cohort_id,
            "programme_id": PROGRAMME,
            "facility_id": "rutan-serang",
            "active": [
                {"first": "2026-12-01", "last": "2026-12-09"},
                {"first": "2026-12-15", "last": "2027-02-20"},
            ],
        }
    ]

    async def learnt() -> bool:
        return await enrolments_of(production, reader, enrolment.participant_id) == expected

    await eventually(learnt)
    documents = await production.runtime.database.db["enrolments"].find({}).to_list()
    assert [len(document["facts"]) for document in documents] == [4]

    says = {day: await standing(production, reader, enrolment, day) for day in ("2026-11-30", "2026-12-12")}
    assert says["2026-11-30"]["reason"] == "not yet active: active from 2026-12-01"
    assert says["2026-12-12"] == {
        "participant_id": enrolment.participant_id,
        "programme_id": PROGRAMME,
        "on": "2026-12-12",
        "creditable": False,
        "cohort_id": None,
        "reason": "suspended on 2026-12-10",
    }
    last_day = await standing(production, reader, enrolment, "2027-02-20")
    assert (last_day["creditable"], last_day["cohort_id"]) == (True, enrolment.cohort_id)
    after_completion = await standing(production, reader, enrolment, "2027-02-21")
    assert after_completion["reason"] == "enrolment completed on 2027-02-20"


async def started(production: RunningService, officer: dict[str, str], site: dict[str, Any], **cycle: Any) -> Any:
    made = await created(production, "/sites", site, officer)
    return await created(production, "/cycles", {"site_id": made["id"], **cycle}, officer)


async def test_a_harvest_credits_only_participants_active_that_day_and_says_why_not(
    infrastructure: Infrastructure, namespace: str, production: RunningService, notifications: RunningService
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    reader = await notifications.mint_key("events:read")
    worker, suspended, finished, elsewhere = Enrolment(), Enrolment(), Enrolment(), Enrolment(programme_id="other")
    await publish(
        infrastructure,
        f"{namespace}enrolment.events",
        [
            worker.activated(date(2026, 12, 1)),
            suspended.activated(date(2026, 12, 1)),
            suspended.suspended(date(2026, 12, 20), 3),
            finished.activated(date(2026, 12, 1)),
            finished.completed(date(2026, 12, 19), 3),
            elsewhere.activated(date(2026, 12, 1)),
        ],
    )
    for known in (worker, suspended, finished, elsewhere):
        await eventually(lambda known=known: enrolments_of(production, officer, known.participant_id))
    stocking = {"programme_id": PROGRAMME, "commodity": "lele", "started_on": "2026-12-02", "stocked_count": 500}
    cycle = await started(production, officer, pond(), **stocking)
    harvest = {"harvested_on": "2026-12-20", "quantity": "61.5", "unit": "kg", "fish_count": 410}

    def crediting(*enrolments: Enrolment) -> dict[str, Any]:
        return {**harvest, "credits": [{"participant_id": e.participant_id, "hours": "3.5"} for e in enrolments]}

    path = f"/cycles/{cycle['id']}/harvests"
    refused = await production.http.post(path, json=crediting(worker, suspended, finished, elsewhere), headers=officer)
    detail = problem_of(refused, 422, "credits")["detail"]
    assert f"{suspended.participant_id} suspended on 2026-12-20" in detail
    assert f"{finished.participant_id} enrolment completed on 2026-12-19" in detail
    assert f"{elsewhere.participant_id} was never active in this programme" in detail
    assert worker.participant_id not in detail
    early = await production.http.post(path, json={**crediting(worker), "harvested_on": "2026-12-01"}, headers=officer)
    problem_of(early, 422, "harvested_on")
    assert await production.runtime.database.db["harvests"].count_documents({}) == 0

    recorded = await created(production, path, crediting(worker), officer)
    assert (recorded["quantity"], recorded["unit"], recorded["fish_count"], recorded["commodity"]) == (
        "61.5",
        "kg",
        410,
        "lele",
    )
    [entry] = await eventually(lambda: fed(notifications, reader, recorded["id"]))
    assert entry["type"] == "production.harvest.recorded"
    credit = {"participant_id": worker.participant_id, "hours": "3.5", "cohort_id": worker.cohort_id}
    assert entry["data"]["credits"] == recorded["credits"] == [credit]
    assert (entry["data"]["programme_id"], entry["data"]["cycle_id"]) == (PROGRAMME, cycle["id"])


async def test_a_workshop_batch_is_credited_the_same_way_and_food_needs_its_best_before(
    infrastructure: Infrastructure, namespace: str, production: RunningService, notifications: RunningService
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    reader = await notifications.mint_key("events:read")
    maker, late = Enrolment(programme_id="diskoperindag-keripik"), Enrolment(programme_id="diskoperindag-keripik")
    messages = [maker.activated(date(2026, 12, 1)), late.activated(date(2026, 12, 8))]
    await publish(infrastructure, f"{namespace}enrolment.events", messages)
    for known in (maker, late):
        await eventually(lambda known=known: enrolments_of(production, officer, known.participant_id))
    cycle = await started(
        production, officer, workshop(), programme_id=maker.programme_id, commodity="keripik", started_on="2026-12-01"
    )
    path = f"/cycles/{cycle['id']}/batches"
    batch = {"batch_code": "KRP-001", "units": 120, "produced_on": "2026-12-05", "food": True}
    problem_of(await production.http.post(path, json=batch, headers=officer), 422, "best_before")
    batch["best_before"] = "2026-12-04"
    problem_of(await production.http.post(path, json=batch, headers=officer), 422, "best_before")
    batch["best_before"] = "2027-03-05"
    credits = [{"participant_id": p.participant_id, "hours": 6} for p in (maker, late)]
    refused = await production.http.post(path, json={**batch, "credits": credits}, headers=officer)
    assert "not yet active: active from 2026-12-08" in problem_of(refused, 422, "credits")["detail"]

    made = await created(production, path, {**batch, "credits": credits[:1]}, officer)
    assert (made["units"], made["best_before"], made["product"]) == (120, "2027-03-05", "keripik")
    again = await production.http.post(path, json={**batch, "credits": credits[:1]}, headers=officer)
    problem_of(again, 409, "batch_code")
    [entry] = await eventually(lambda: fed(notifications, reader, made["id"]))
    assert entry["type"] == "production.batch.produced"
    credit = {"participant_id": maker.participant_id, "hours": "6", "cohort_id": maker.cohort_id}
    assert entry["data"]["credits"] == [credit]


async def test_a_participant_training_at_another_facility_is_not_credited_at_this_ones_site(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    there, here = Enrolment(), Enrolment()
    messages = [there.opened("lapas-cilegon"), there.activated(date(2026, 12, 1)), here.opened()]
    await publish(infrastructure, f"{namespace}enrolment.events", [*messages, here.activated(date(2026, 12, 1))])
    for known in (there, here):
        await eventually(lambda known=known: enrolments_of(production, officer, known.participant_id))
    await eventually(lambda: _cohort_known(production, officer, there))

    planting = {
        "programme_id": PROGRAMME,
        "commodity": "kangkung",
        "started_on": "2026-12-02",
        "seed_quantity": "0.2",
        "seed_unit": "kg",
    }
    cycle = await started(production, officer, rack(), **planting)
    credits = [{"participant_id": e.participant_id, "hours": "2"} for e in (there, here)]
    harvest = {"harvested_on": "2026-12-20", "quantity": "5", "unit": "kg", "credits": credits}
    refused = await production.http.post(f"/cycles/{cycle['id']}/harvests", json=harvest, headers=officer)
    detail = problem_of(refused, 422, "credits")["detail"]
    assert f"{there.participant_id} trains in this programme at lapas-cilegon, not at rutan-serang" in detail
    assert here.participant_id not in detail

    assert (await standing(production, officer, there, "2026-12-20"))["creditable"] is True
    at_serang = await standing(production, officer, there, "2026-12-20", facility_id="rutan-serang")
    assert (at_serang["creditable"], at_serang["reason"]) == (
        False,
        "trains in this programme at lapas-cilegon, not at rutan-serang",
    )


async def _cohort_known(production: RunningService, headers: dict[str, str], enrolment: Enrolment) -> bool:
    [known] = await enrolments_of(production, headers, enrolment.participant_id)
    return bool(known["facility_id"])
