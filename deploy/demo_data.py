"""Demo data for `make run`: the Serang centre's participants, registered through the public API.

Idempotent: registration numbers are fixed, so a second run finds them registered and changes nothing.
Mints one admin key per service on first run (kept in DEMO_KEYS_FILE) and prints where to use them.
"""

import asyncio
import json
import os
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from deploy.demo_market import load_market
from deploy.demo_season import load_season
from deploy.demo_webhooks import demo_endpoints
from shared.http.api_keys import ApiKeys

SERVICES = ("enrolment", "production", "marketplace", "notifications")
FACILITY = "rutan-serang"
GIVEN_NAMES = ["Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Iwan", "Joko", "Rudi", "Slamet", "Taufik", "Yusuf"]
FAMILY_NAMES = ["Saputra", "Hidayat", "Nugroho", "Setiawan", "Pratama", "Wibowo", "Siregar", "Santoso", "Kurniawan"]
CLASSIFICATIONS = ["minimum", "minimum", "minimum", "medium", "maximum"]
PARTICIPANTS = 36
SESSIONS = 40
ATTENDED_SESSIONS = 34
STARTS_ON = "2026-07-06"
CILEGON = {"id": "lapas-cilegon", "name": "Lapas Kelas IIA Cilegon", "kind": "lapas", "regency": "Cilegon"}


async def demo_keys(kept: dict[str, str], mongodb_url: str) -> dict[str, str]:
    """An admin key per service: the ones kept from an earlier run while still valid, else new ones."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        for service in SERVICES:
            keys = ApiKeys(client[service])
            if service not in kept or await keys.authenticate(kept[service]) is None:
                kept[service] = await keys.mint(name="demo-admin", scopes=["admin"])
    finally:
        await client.close()
    return kept


def registration(index: int, rng: random.Random) -> dict[str, Any]:
    year = rng.randrange(1975, 2004)
    sentence_start = f"{rng.randrange(2022, 2026)}-{rng.randrange(1, 13):02d}-01"
    return {
        "facility_id": FACILITY,
        "registration_number": f"DEMO.BI.{index:04d}",
        "full_name": f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}",
        "nik": f"3604{rng.randrange(10**11, 10**12)}",
        "date_of_birth": f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}",
        "sentence_start": sentence_start,
        "expected_release": f"{int(sentence_start[:4]) + rng.randrange(2, 6)}-06-30",
        "security_classification": rng.choice(CLASSIFICATIONS),
    }


async def load_participants(enrolment: httpx.AsyncClient) -> tuple[list[str], int]:
    """Register the demo participants; release some and transfer a few. Returns (ids in custody, already there)."""
    rng = random.Random(2026)
    await enrolment.post("/facilities", json=CILEGON)  # 409 when it is already there
    in_custody: list[str] = []
    new = existing = 0
    for index in range(1, PARTICIPANTS + 1):
        response = await enrolment.post("/participants", json=registration(index, rng))
        if response.status_code == 409:
            existing += 1
            continue
        response.raise_for_status()
        new += 1
        participant_id = response.json()["id"]
        if index % 9 == 0:
            await post_ok(enrolment, f"/participants/{participant_id}/release", {"released_on": "2026-11-01"})
        elif index % 11 == 0:
            await post_ok(
                enrolment,
                f"/participants/{participant_id}/transfer",
                {"to_facility_id": "lapas-cilegon", "transferred_on": "2026-10-15"},
            )
        else:
            in_custody.append(participant_id)
    return in_custody, existing


PROGRAMMES = [
    (
        "dkpp",
        "Hidroponik sayuran",
        "agriculture",
        ["nutrient mixing", "seedling care", "harvest handling"],
        "greenhouse A",
    ),
    ("dinas-perikanan", "Budidaya ikan lele", "fisheries", ["pond preparation", "feeding", "water quality"], "pond 2"),
    ("diskoperindag", "Produksi makanan ringan", "umkm_production", ["food hygiene", "packaging"], "workshop 1"),
]


@dataclass
class Cohort:
    agency_id: str
    programme_id: str
    cohort_id: str
    enrolments: list[dict[str, Any]]


async def load_training(enrolment: httpx.AsyncClient, participant_ids: list[str]) -> list[Cohort]:
    """A programme and a cohort per agency, and the participants enrolled (some withdraw)."""
    cohorts = []
    for agency_id, name, track, competencies, place in PROGRAMMES:
        definition = {
            "agency_id": agency_id,
            "name": name,
            "skill_track": track,
            "duration_hours": 160,
            "sessions": SESSIONS,
            "competencies": competencies,
            "minimum_attendance_rate": 0.8,
            "earns_premi": True,
            "eligibility": {"allowed_classifications": ["minimum", "medium"], "minimum_age": 18},
        }
        programme_id = (await post_ok(enrolment, "/programmes", definition))["id"]
        await post_ok(enrolment, f"/programmes/{programme_id}/publish", {})
        opening = {
            "programme_id": programme_id,
            "facility_id": FACILITY,
            "starts_on": STARTS_ON,
            "ends_on": "2026-10-23",
            "capacity": 4,
            "place": place,
            "trainer_ids": [f"{agency_id}-trainer"],
        }
        cohorts.append(Cohort(agency_id, programme_id, (await post_ok(enrolment, "/cohorts", opening))["id"], []))
    for index, participant_id in enumerate(participant_ids):
        cohort = cohorts[index % len(cohorts)]
        enrolled = await post_ok(
            enrolment, "/enrolments", {"participant_id": participant_id, "cohort_id": cohort.cohort_id}
        )
        if index % 7 == 3 and enrolled["state"] == "approved":
            withdrawal = {"by": "participant", "reason": "chose another programme"}
            enrolled = await post_ok(enrolment, f"/enrolments/{enrolled['id']}/withdraw", withdrawal)
        cohort.enrolments.append(enrolled)
    return cohorts


async def run_training(enrolment: httpx.AsyncClient, cohorts: list[Cohort]) -> None:
    """Start every cohort; in the first, take attendance and complete one participant with a certificate;
    suspend one in the second and end one in the third."""
    for cohort in cohorts:
        started = await post_ok(enrolment, f"/cohorts/{cohort.cohort_id}/start", {"started_on": STARTS_ON})
        cohort.enrolments = [e for e in cohort.enrolments if e["id"] in started["approved"]]
    first, second, third = cohorts
    marks = [{"enrolment_id": e["id"], "attended": True} for e in first.enrolments]
    for session in range(1, ATTENDED_SESSIONS + 1):
        held_on = (date.fromisoformat(STARTS_ON) + timedelta(days=session)).isoformat()
        url = f"/cohorts/{first.cohort_id}/sessions/{session}/attendance"
        (await enrolment.put(url, json={"held_on": held_on, "marks": marks})).raise_for_status()
    graduate = first.enrolments[0]["id"]
    for competency in PROGRAMMES[0][3]:
        await post_ok(enrolment, f"/enrolments/{graduate}/assessments", {"competency": competency, "passed": True})
    await post_ok(enrolment, f"/enrolments/{graduate}/complete", {"completed_on": "2026-10-23"})
    suspension = {"suspended_on": "2026-07-27", "with_premi": True, "reason": "family visit leave"}
    await post_ok(enrolment, f"/enrolments/{second.enrolments[0]['id']}/suspend", suspension)
    ending = {"ended_on": "2026-08-10", "reason": "health", "note": "referred to the clinic"}
    await post_ok(enrolment, f"/enrolments/{third.enrolments[0]['id']}/end", ending)


async def states_of(enrolment: httpx.AsyncClient) -> dict[str, int]:
    states: dict[str, int] = {}
    cursor = None
    while True:
        params = {"limit": 200, **({"after": cursor} if cursor else {})}
        page = (await enrolment.get("/enrolments", params=params)).json()
        for item in page["items"]:
            states[item["state"]] = states.get(item["state"], 0) + 1
        if (cursor := page["next_cursor"]) is None:
            return states


async def post_ok(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(url, json=body)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


async def load(keys: dict[str, str]) -> None:
    headers = {"X-API-Key": keys["enrolment"]}
    async with httpx.AsyncClient(base_url=os.environ["ENROLMENT_URL"], headers=headers, timeout=30) as enrolment:
        in_custody, existing = await load_participants(enrolment)
        if existing:
            print(f"demo data already there ({existing} participants of facility {FACILITY})")
            return
        cohorts = await load_training(enrolment, in_custody)
        await run_training(enrolment, cohorts)
        states = await states_of(enrolment)
    print(
        f"demo data: {PARTICIPANTS} participants of facility {FACILITY}, a programme and a cohort for each of "
        f"{len(PROGRAMMES)} agencies, enrolments by state: {states}"
    )
    programmes = {cohort.agency_id: cohort.programme_id for cohort in cohorts}
    trainees = {cohort.agency_id: [e["participant_id"] for e in cohort.enrolments] for cohort in cohorts}
    headers = {"X-API-Key": keys["production"]}
    async with httpx.AsyncClient(base_url=os.environ["PRODUCTION_URL"], headers=headers, timeout=30) as production:
        season = await load_season(production, programmes, trainees)
    print(f"demo season: {season}")
    headers = {"X-API-Key": keys["marketplace"]}
    async with httpx.AsyncClient(base_url=os.environ["MARKETPLACE_URL"], headers=headers, timeout=30) as marketplace:
        market = await load_market(marketplace, programmes["dinas-perikanan"])
    print(f"demo marketplace: {market}")


def main() -> None:
    keys_file = Path(os.environ["DEMO_KEYS_FILE"])
    kept = json.loads(keys_file.read_text()) if keys_file.exists() else {}
    keys = asyncio.run(demo_keys(kept, os.environ["MONGODB_URL"]))
    keys_file.parent.mkdir(parents=True, exist_ok=True)
    keys_file.write_text(json.dumps(keys, indent=2))
    keys_file.chmod(0o600)
    if "RECEIVER_URL" in os.environ:  # the receiver verifies with the secrets kept here
        hooks_file = Path(os.environ["DEMO_WEBHOOKS_FILE"])
        kept_hooks = json.loads(hooks_file.read_text()) if hooks_file.exists() else {}
        hooks_file.write_text(json.dumps(asyncio.run(demo_endpoints(keys["notifications"], kept_hooks)), indent=2))
        hooks_file.chmod(0o600)
        print(f"demo webhooks: an endpoint per agency, received at {os.environ['RECEIVER_URL']}/hooks/<agency>")
    asyncio.run(load(keys))
    print(f"demo admin keys (X-API-Key header), one per service: {keys_file}")


if __name__ == "__main__":
    main()
