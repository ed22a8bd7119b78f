"""Production's reach by facility, over real HTTP: a facility officer reaches its facility's sites and what is
recorded on them (cycles, harvests, batches, lots, inputs), platform staff every facility, and any other key
(no attribute and no `platform:staff`, an agency's, a trainer's) none: 404 for a read, an empty page for a list."""

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import publish
from tests.support.production import PROGRAMME, Enrolment, created, created_list, lot, problem_of, rack, workshop
from tests.support.services import RunningService, eventually

SCOPES = ("production:read", "production:write")
SERANG, CILEGON = "rutan-serang", "lapas-cilegon"
READS = ("sites", "cycles", "harvests", "batches", "lots")
LISTS = (*READS, "inputs")


async def recorded_at(production: RunningService, staff: dict[str, str], facility_id: str) -> dict[str, Any]:
    """A rack with a planting, its harvest and a lot of it; a workshop with a run and its batch; an input."""
    site = await created(production, "/sites", rack(facility_id=facility_id), staff)
    planting = {"site_id": site["id"], "programme_id": PROGRAMME, "commodity": "kangkung", "started_on": "2026-12-03"}
    cycle = await created(production, "/cycles", {**planting, "seed_quantity": "0.1", "seed_unit": "kg"}, staff)
    harvest = {"harvested_on": "2027-01-10", "quantity": "20", "unit": "kg"}
    harvest = await created(production, f"/cycles/{cycle['id']}/harvests", harvest, staff)
    [graded] = await created_list(
        production, f"/harvests/{harvest['id']}/lots", {"lots": [lot(uuid4().hex[:10], "A", "10")]}, staff
    )
    bench = await created(production, "/sites", workshop(facility_id=facility_id), staff)
    run = {**planting, "site_id": bench["id"], "commodity": "keripik"}
    run = await created(production, "/cycles", run, staff)
    made = {"batch_code": uuid4().hex[:10], "units": 40, "produced_on": "2027-01-10"}
    batch = await created(production, f"/cycles/{run['id']}/batches", made, staff)
    received = {"site_id": site["id"], "agency_id": "dkpp", "kind": "seed", "item": "kangkung seed"}
    received = await created(
        production, "/inputs", {**received, "quantity": "1", "unit": "kg", "received_on": "2026-12-01"}, staff
    )
    return {
        "sites": [site, bench],
        "cycles": [cycle, run],
        "harvests": [harvest],
        "batches": [batch],
        "lots": [graded],
        "inputs": [received],
    }


async def listed(production: RunningService, headers: dict[str, str], records: str) -> set[str]:
    response = await production.http.get(f"/{records}", params={"limit": 200}, headers=headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def ids(world: dict[str, Any], records: str) -> set[str]:
    return {record["id"] for record in world[records]}


@pytest.fixture
async def staff(production: RunningService) -> dict[str, str]:
    return await production.mint_key(*SCOPES)


async def test_a_facility_officer_reads_its_facilitys_records_and_none_of_another_facility(
    production: RunningService, staff: dict[str, str]
) -> None:
    serang, cilegon = await recorded_at(production, staff, SERANG), await recorded_at(production, staff, CILEGON)
    officer = await production.mint_key(*SCOPES, facility_id=SERANG)
    for records in READS:
        for own, theirs in zip(serang[records], cilegon[records], strict=False):
            assert (await production.http.get(f"/{records}/{own['id']}", headers=officer)).status_code == 200
            problem_of(await production.http.get(f"/{records}/{theirs['id']}", headers=officer), 404)
    for records in LISTS:
        assert await listed(production, officer, records) == ids(serang, records), records
        assert await listed(production, staff, records) == ids(serang, records) | ids(cilegon, records), records
    asked = await production.http.get("/sites", params={"facility_id": CILEGON}, headers=officer)
    assert asked.json()["items"] == []  # a filter narrows the reach, never widens it


@pytest.mark.parametrize(
    ("who", "attributes"),
    [
        ("no attribute, no platform:staff", {}),
        ("a partner agency", {"agency_id": "dkpp"}),
        ("a trainer", {"trainer_id": "dkpp-trainer-1"}),
        ("an integrator", {"integrator_id": "e-katalog-banten"}),
    ],
)
async def test_a_key_that_is_neither_staff_nor_an_officer_reaches_no_production_record(
    production: RunningService, staff: dict[str, str], who: str, attributes: dict[str, str]
) -> None:
    world = await recorded_at(production, staff, SERANG)
    key = await production.mint_key(*SCOPES, name=who, staff=False, **attributes)
    for records in READS:
        problem_of(await production.http.get(f"/{records}/{world[records][0]['id']}", headers=key), 404)
    for records in LISTS:
        assert await listed(production, key, records) == set(), records
    refused = await production.http.post("/sites", json=rack(), headers=key)
    problem_of(refused, 403, "facility_id")


async def test_a_facility_officer_records_production_at_its_facility_only(
    production: RunningService, staff: dict[str, str]
) -> None:
    theirs = await recorded_at(production, staff, CILEGON)
    officer = await production.mint_key(*SCOPES, facility_id=SERANG)
    problem_of(
        await production.http.post("/sites", json=rack(facility_id=CILEGON), headers=officer), 403, "facility_id"
    )
    own_site = await created(production, "/sites", rack(facility_id=SERANG), officer)
    [site, cycle, harvest, batch, graded] = (
        theirs[name][0] for name in ("sites", "cycles", "harvests", "batches", "lots")
    )
    planting = {"programme_id": PROGRAMME, "commodity": "kangkung", "started_on": "2026-12-03"}
    planting |= {"seed_quantity": "0.1", "seed_unit": "kg"}
    received = {"agency_id": "dkpp", "kind": "seed", "item": "seed", "quantity": "1", "unit": "kg"}
    received |= {"received_on": "2026-12-01"}
    beyond = [
        ("/cycles", {**planting, "site_id": site["id"]}),
        (f"/cycles/{cycle['id']}/close", {"closed_on": "2027-04-30"}),
        (f"/cycles/{cycle['id']}/harvests", {"harvested_on": "2027-01-11", "quantity": "1", "unit": "kg"}),
        (
            f"/cycles/{theirs['cycles'][1]['id']}/batches",
            {"batch_code": "X-1", "units": 1, "produced_on": "2027-01-11"},
        ),
        (f"/harvests/{harvest['id']}/lots", {"lots": [lot(uuid4().hex[:10], "B", "1")]}),
        (f"/batches/{batch['id']}/lots", {"lots": [lot(uuid4().hex[:10], "A", "1", "units")]}),
        (f"/lots/{graded['id']}/dispositions", {"kind": "sold", "quantity": "1", "unit": "kg", "on": "2027-01-11"}),
        (f"/lots/{graded['id']}/release-for-sale", None),
        ("/inputs", {**received, "site_id": site["id"]}),
    ]
    for path, body in beyond:
        problem_of(await production.http.post(path, json=body, headers=officer), 404)
    problem_of(await production.http.post("/inputs", json=received, headers=officer), 403, "site_id")
    await created(production, "/cycles", {**planting, "site_id": own_site["id"]}, officer)
    await created(production, "/inputs", {**received, "site_id": own_site["id"]}, officer)
    unchanged = (await production.http.get(f"/lots/{graded['id']}", headers=staff)).json()
    assert (unchanged["balance"], unchanged["released_for_sale"]) == ("10", False)


async def test_a_facility_officer_sees_crediting_at_its_facility_only(
    infrastructure: Infrastructure, namespace: str, production: RunningService, staff: dict[str, str]
) -> None:
    here, there = Enrolment(), Enrolment()
    there.participant_id = here.participant_id
    events = [here.opened(SERANG), there.opened(CILEGON), here.activated(date(2026, 12, 1))]
    await publish(infrastructure, f"{namespace}enrolment.events", [*events, there.activated(date(2026, 12, 1))])
    path = f"/participants/{here.participant_id}/enrolments"

    async def learnt() -> bool:
        found = await production.http.get(path, headers=staff)
        return {(row["id"], row["facility_id"]) for row in found.json()} == {(here.id, SERANG), (there.id, CILEGON)}

    await eventually(learnt)
    officer = await production.mint_key("production:read", facility_id=SERANG)
    assert [row["id"] for row in (await production.http.get(path, headers=officer)).json()] == [here.id]
    bare = await production.mint_key("production:read", staff=False)
    assert (await production.http.get(path, headers=bare)).json() == []
    standing = f"/participants/{here.participant_id}/standing"
    asked = {"programme_id": PROGRAMME, "on": "2026-12-05"}
    own = await production.http.get(standing, params=asked, headers=officer)
    assert (own.status_code, own.json()["cohort_id"]) == (200, here.cohort_id), own.text
    elsewhere = await production.http.get(standing, params={**asked, "facility_id": CILEGON}, headers=officer)
    problem_of(elsewhere, 404, "facility_id")
