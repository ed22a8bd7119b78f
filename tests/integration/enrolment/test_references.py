"""Reference data: the founding parties and skill tracks from the start, more added, unknown ones refused by name."""

from services.enrolment.references.store import seed_founding_parties
from tests.support.enrolment import STAFF_SCOPES, known_facility, published_programme, registered_participant
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import published_by
from tests.support.participants import new_registration
from tests.support.services import RunningService


async def test_the_founding_parties_exist_from_the_start(enrolment: RunningService) -> None:
    reader = await enrolment.mint_key("reference:read")
    facilities = (await enrolment.http.get("/facilities", headers=reader)).json()
    agencies = (await enrolment.http.get("/agencies", headers=reader)).json()
    assert [facility["id"] for facility in facilities] == ["rutan-serang"]
    assert {agency["id"] for agency in agencies} == {"dkpp", "dinas-perikanan", "diskoperindag", "ditjenpas"}
    tracks = (await enrolment.http.get("/skill-tracks", headers=reader)).json()
    assert [track["id"] for track in tracks] == ["agriculture", "fisheries", "umkm_production"]


async def test_unknown_facilities_and_agencies_are_refused_naming_the_field(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    nowhere = await enrolment.http.post(
        "/participants", json=new_registration(facility_id="lapas-atlantis"), headers=staff
    )
    assert (nowhere.status_code, nowhere.json()["field"]) == (404, "facility_id")
    participant = await registered_participant(enrolment, staff)
    transfer = {"to_facility_id": "lapas-atlantis", "transferred_on": "2026-12-01"}
    moved = await enrolment.http.post(f"/participants/{participant}/transfer", json=transfer, headers=staff)
    assert (moved.status_code, moved.json()["field"]) == (404, "to_facility_id")
    programme = await enrolment.http.post(
        "/programmes",
        headers=staff,
        json={
            "agency_id": "dinas-pariwisata",
            "name": "x",
            "skill_track": "tourism",
            "duration_hours": 8,
            "sessions": 2,
            "competencies": ["guiding"],
            "minimum_attendance_rate": 0.5,
            "earns_premi": False,
        },
    )
    assert (programme.status_code, programme.json()["field"]) == (404, "agency_id")


async def test_a_new_facility_takes_transfers_once_registered_and_only_once(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    await known_facility(enrolment, staff, "lapas-cilegon")
    again = await enrolment.http.post(
        "/facilities", headers=staff, json={"id": "lapas-cilegon", "name": "x", "kind": "lapas", "regency": "y"}
    )
    assert (again.status_code, again.json()["field"]) == (409, "id")
    badly_named = await enrolment.http.post(
        "/facilities", headers=staff, json={"id": "Lapas Cilegon!", "name": "x", "kind": "lapas", "regency": "y"}
    )
    assert (badly_named.status_code, badly_named.json()["field"]) == (422, "id")
    participant = await registered_participant(enrolment, staff)
    transfer = {"to_facility_id": "lapas-cilegon", "transferred_on": "2026-12-01"}
    moved = await enrolment.http.post(f"/participants/{participant}/transfer", json=transfer, headers=staff)
    assert moved.json()["status"] == "transferred"
    assert (await published_programme(enrolment, staff, agency_id="ditjenpas"))["status"] == "published"


async def test_a_programme_belongs_to_a_known_skill_track_and_new_tracks_are_data(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    unknown = await enrolment.http.post(
        "/programmes",
        headers=staff,
        json={
            "agency_id": "diskoperindag",
            "name": "Menjahit",
            "skill_track": "tailoring",
            "duration_hours": 160,
            "sessions": 40,
            "competencies": ["pattern cutting"],
            "minimum_attendance_rate": 0.8,
            "earns_premi": True,
        },
    )
    assert (unknown.status_code, unknown.json()["field"]) == (404, "skill_track")
    added = await enrolment.http.post(
        "/skill-tracks", json={"id": "tailoring", "name": "Menjahit dan konveksi"}, headers=staff
    )
    assert added.status_code == 201, added.text
    programme = await published_programme(enrolment, staff, skill_track="tailoring", name="Menjahit")
    assert programme["skill_track"] == "tailoring"
    revised = await enrolment.http.patch(
        f"/programmes/{programme['id']}", json={"skill_track": "pottery"}, headers=staff
    )
    assert (revised.status_code, revised.json()["field"]) == (404, "skill_track")


async def test_facilities_and_agencies_are_told_to_the_other_services_once_each(
    enrolment: RunningService, infrastructure: Infrastructure
) -> None:
    admin = await enrolment.mint_key("admin")
    cilegon = {"id": "lapas-cilegon", "name": "Lapas Kelas IIA Cilegon", "kind": "lapas", "regency": "Cilegon"}
    assert (await enrolment.http.post("/facilities", json=cilegon, headers=admin)).status_code == 201
    # what an earlier version stored without telling anyone is told at the next start; the rest is not told again
    database = enrolment.runtime.database
    await database.db["agencies"].update_one({"_id": "ditjenpas"}, {"$unset": {"told_to_services": ""}})
    await seed_founding_parties(database)
    published = await published_by(enrolment, infrastructure)
    told = [(event.type, event.subject) for event in published if event.type.endswith(".registered")]
    founding = [("enrolment.facility.registered", "rutan-serang")] + [
        ("enrolment.agency.registered", agency) for agency in ("dinas-perikanan", "diskoperindag", "ditjenpas", "dkpp")
    ]
    later = [("enrolment.facility.registered", "lapas-cilegon"), ("enrolment.agency.registered", "ditjenpas")]
    assert sorted(told[: len(founding)]) == sorted(founding)
    assert told[len(founding) :] == later
