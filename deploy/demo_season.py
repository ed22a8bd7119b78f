"""A demo production season for `make run`, recorded through production's HTTP API.

Assumes the three agencies' cohorts start on 2026-07-06 and run to 2026-10-23, and that the participants given
were active in them from their start: every date below falls in that span. Production learns who is active from
enrolment's events, asynchronously, so each credit waits (at most CREDIT_WAIT_SECONDS for the whole season) until
production says the participant is creditable that day; one who never becomes so is left uncredited, not failed.
Not idempotent by itself: it returns {"already_there": 1} and records nothing when its first site exists.
"""

import asyncio
from typing import Any

import httpx

FACILITY = "rutan-serang"
CREDIT_WAIT_SECONDS = 30.0
DKPP, FISHERIES, TRADE = "dkpp", "dinas-perikanan", "diskoperindag"

SITES = {
    "rack_a": {"name": "Rak hidroponik A", "kind": "hydroponic_rack", "area_m2": "12.5"},
    "rack_b": {"name": "Rak hidroponik B", "kind": "hydroponic_rack", "area_m2": "10"},
    "pond": {"name": "Kolam lele 1", "kind": "pond", "volume_m3": "18"},
    "workshop": {"name": "Bengkel makanan ringan", "kind": "workshop"},
}
INPUTS = [  # agency, site, kind, item, quantity, unit, received on
    (DKPP, "rack_a", "seed", "benih kangkung", "0.5", "kg", "2026-07-03"),
    (DKPP, "rack_b", "seed", "benih pakcoy", "0.3", "kg", "2026-07-03"),
    (DKPP, "rack_a", "fertiliser", "nutrisi AB mix", "10", "kg", "2026-07-03"),
    (FISHERIES, "pond", "fingerlings", "benih lele 5-7 cm", "2000", "count", "2026-07-04"),
    (FISHERIES, "pond", "feed", "pelet apung", "60", "kg", "2026-07-06"),
    (FISHERIES, "pond", "feed", "pelet apung", "0.2", "t", "2026-08-10"),
    (FISHERIES, "pond", "feed", "pelet apung", "160", "kg", "2026-09-07"),
    (TRADE, "workshop", "raw_material", "singkong", "150", "kg", "2026-07-10"),
    (TRADE, "workshop", "raw_material", "minyak goreng", "20", "litres", "2026-07-10"),
    (TRADE, "workshop", "raw_material", "kemasan standing pouch", "500", "units", "2026-07-10"),
]
CYCLES: dict[str, tuple[str, str, str, dict[str, Any]]] = {  # name: agency, site, commodity, start
    "kangkung": (DKPP, "rack_a", "kangkung", {"seed_quantity": "0.25", "seed_unit": "kg"}),
    "pakcoy": (DKPP, "rack_b", "pakcoy", {"seed_quantity": "0.2", "seed_unit": "kg"}),
    "lele": (FISHERIES, "pond", "lele", {"stocked_count": 2000}),
    "keripik": (TRADE, "workshop", "keripik singkong", {}),
}
HARVESTS = [  # cycle, day, quantity, unit, fish counted, hours per participant, lots
    ("kangkung", "2026-09-28", "32.5", "kg", None, "4", [("KKG-0928-A", "A", "25"), ("KKG-0928-B", "B", "7.5")]),
    ("kangkung", "2026-10-12", "28", "kg", None, "4", [("KKG-1012-A", "A", "28")]),
    ("pakcoy", "2026-10-19", "85", "bunches", None, "3", [("PKC-1019-A", "A", "85")]),
    ("lele", "2026-10-05", "310.5", "kg", 1720, "6", [("LELE-1005-A", "A", "250"), ("LELE-1005-B", "B", "60.5")]),
]
BATCH: dict[str, Any] = {"batch_code": "KRP-2026-001", "units": 400, "produced_on": "2026-10-12", "food": True}
BATCH_LOTS = [("KRP-001-A", "A", "380"), ("KRP-001-C", "C", "20")]
DISPOSITIONS = [  # lot, kind, quantity, day, recipient or reason
    ("KKG-0928-B", "distributed", "5", "2026-09-29", "Lumbung Pangan Desa Kaserangan"),
    ("KKG-1012-A", "kitchen", "8", "2026-10-13", None),
    ("PKC-1019-A", "distributed", "20", "2026-10-20", "Posyandu Kelurahan Serang"),
    ("LELE-1005-B", "distributed", "40", "2026-10-06", "Program makan bergizi Kecamatan Serang"),
    ("KRP-001-C", "written_off", "20", "2026-10-13", "kemasan sobek"),
]
RELEASED = ["KKG-0928-A", "KKG-1012-A", "PKC-1019-A", "LELE-1005-A", "KRP-001-A"]
CLOSED = {"kangkung": "2026-10-13"}


async def load_season(
    production: httpx.AsyncClient, programmes: dict[str, str], participants_by_agency: dict[str, list[str]]
) -> dict[str, int]:
    """Record a full season; `programmes` and `participants_by_agency` are keyed by agency id. Returns counts."""
    counts = dict.fromkeys(("sites", "inputs", "cycles", "harvests", "batches", "lots", "credits"), 0)
    sites: dict[str, str] = {}
    for key, site in SITES.items():
        response = await production.post("/sites", json={"facility_id": FACILITY, **site})
        if response.status_code == 409:
            return {"already_there": 1}
        sites[key] = _ok(response)["id"]
        counts["sites"] += 1
    for agency, site_key, kind, item, quantity, unit, on in INPUTS:
        received = {"site_id": sites[site_key], "agency_id": agency, "kind": kind, "item": item}
        await _post(production, "/inputs", {**received, "quantity": quantity, "unit": unit, "received_on": on})
        counts["inputs"] += 1
    cycles: dict[str, dict[str, Any]] = {}
    for name, (agency, site_key, commodity, start) in CYCLES.items():
        cycle = {"site_id": sites[site_key], "programme_id": programmes[agency], "commodity": commodity, **start}
        cycles[name] = await _post(production, "/cycles", {**cycle, "started_on": "2026-07-06"})
        counts["cycles"] += 1
    lots = await _harvest_and_make(production, cycles, programmes, participants_by_agency, counts)
    for code, kind, quantity, on, detail in DISPOSITIONS:
        lot_id, unit = lots[code]
        disposition: dict[str, Any] = {"kind": kind, "quantity": quantity, "unit": unit, "on": on}
        disposition |= {"recipient": detail} if kind == "distributed" else {"reason": detail} if detail else {}
        await _post(production, f"/lots/{lot_id}/dispositions", disposition)
    counts["distributed"] = sum(1 for _, kind, *_ in DISPOSITIONS if kind == "distributed")
    for code in RELEASED:
        _ok(await production.post(f"/lots/{lots[code][0]}/release-for-sale"))
    counts["released"] = len(RELEASED)
    for name, on in CLOSED.items():
        await _post(production, f"/cycles/{cycles[name]['id']}/close", {"closed_on": on}, status=200)
    return counts


async def _harvest_and_make(
    production: httpx.AsyncClient,
    cycles: dict[str, dict[str, Any]],
    programmes: dict[str, str],
    participants_by_agency: dict[str, list[str]],
    counts: dict[str, int],
) -> dict[str, tuple[str, str]]:
    """The season's harvests and its batch, crediting whom production allows, graded into lots: code -> id, unit."""
    deadline = asyncio.get_running_loop().time() + CREDIT_WAIT_SECONDS
    lots: dict[str, tuple[str, str]] = {}
    for name, on, quantity, unit, fish, hours, graded in HARVESTS:
        agency = CYCLES[name][0]
        who = await creditable(production, participants_by_agency.get(agency, [])[:3], programmes[agency], on, deadline)
        body = {"harvested_on": on, "quantity": quantity, "unit": unit, "fish_count": fish}
        harvest = await _post(
            production, f"/cycles/{cycles[name]['id']}/harvests", {**body, "credits": _credits(who, hours)}
        )
        lots |= await _grade(production, f"/harvests/{harvest['id']}/lots", graded, unit)
        counts["harvests"] += 1
        counts["credits"] += len(who)
    makers = participants_by_agency.get(TRADE, [])[:3]
    who = await creditable(production, makers, programmes[TRADE], BATCH["produced_on"], deadline)
    batch_body = {**BATCH, "best_before": "2027-01-12", "credits": _credits(who, "5")}
    batch = await _post(production, f"/cycles/{cycles['keripik']['id']}/batches", batch_body)
    lots |= await _grade(production, f"/batches/{batch['id']}/lots", BATCH_LOTS, "units")
    counts["batches"], counts["credits"] = 1, counts["credits"] + len(who)
    counts["lots"] = len(lots)
    return lots


async def creditable(
    production: httpx.AsyncClient, participant_ids: list[str], programme_id: str, on: str, deadline: float
) -> list[str]:
    """Those production says may be credited on `on`, waiting for its read model of enrolments until `deadline`."""
    waiting, ready = list(participant_ids), []
    while waiting:
        for participant_id in list(waiting):
            params = {"programme_id": programme_id, "on": on}
            standing = _ok(await production.get(f"/participants/{participant_id}/standing", params=params))
            if standing["creditable"]:
                waiting.remove(participant_id)
                ready.append(participant_id)
        if not waiting or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.5)
    return ready


def _credits(participant_ids: list[str], hours: str) -> list[dict[str, str]]:
    return [{"participant_id": participant_id, "hours": hours} for participant_id in participant_ids]


async def _grade(
    production: httpx.AsyncClient, path: str, graded: list[tuple[str, str, str]], unit: str
) -> dict[str, tuple[str, str]]:
    body = {"lots": [{"lot_code": code, "grade": grade, "quantity": q, "unit": unit} for code, grade, q in graded]}
    response = await production.post(path, json=body)
    if response.status_code != 201:
        raise RuntimeError(f"POST {path}: {response.status_code} {response.text}")
    return {lot["lot_code"]: (lot["id"], unit) for lot in response.json()}


async def _post(production: httpx.AsyncClient, path: str, body: dict[str, Any], status: int = 201) -> Any:
    response = await production.post(path, json=body)
    if response.status_code != status:
        raise RuntimeError(f"POST {path}: {response.status_code} {response.text}")
    return response.json()


def _ok(response: httpx.Response) -> Any:
    if response.is_error:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text}"
        )
    return response.json()
