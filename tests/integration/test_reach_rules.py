"""Reach never fails open, rule by rule: unknown attributes refused, staff only by `platform:staff`, grants and
programmes' terms staff's alone, custody events never an agency's, programmes and cohorts written by their own.
(`test_roles.py` walks docs/roles.md's table with a key and a token per role.)"""

import pytest

from shared.errors import InvalidInput
from shared.http.api_keys import ApiKeys, Caller
from tests.support.enrolment import published_programme, registered_participant
from tests.support.services import RunningService

EVERY_FEED_SCOPE = ("events:read", "subscriptions:write", "endpoints:read", "endpoints:write")
PUBLIC = "marketplace.listing.published"
CUSTODY = "enrolment.participant.released"


async def test_a_key_with_an_unknown_attribute_is_refused_at_mint_time_and_a_stored_one_reaches_nothing(
    notifications: RunningService,
) -> None:
    keys = ApiKeys(notifications.runtime.database.db)
    with pytest.raises(InvalidInput, match="agnecy_id"):
        await keys.mint(name="misspelt", scopes=["events:read"], attributes={"agnecy_id": "dkpp"})
    with pytest.raises(InvalidInput):
        Caller(key_id="k", name="misspelt", scopes=frozenset(), attributes={"agnecy_id": "dkpp"})
    token = await keys.mint(name="old", scopes=["events:read"], attributes={"agency_id": "dkpp"})
    key_id = token.split(".")[1]
    await notifications.runtime.database.db["api_keys"].update_one(
        {"_id": key_id}, {"$set": {"attributes": {"agnecy_id": "dkpp"}}}
    )
    refused = await notifications.http.get("/events", headers={"X-API-Key": token})
    assert refused.status_code == 401, refused.text


@pytest.mark.parametrize(
    ("who", "attributes", "staff", "feed", "endpoints", "grant"),
    [
        ("platform staff", {}, True, 200, 200, 200),
        ("no attribute, no staff scope", {}, False, 403, 403, 403),
        ("an agency", {"agency_id": "dkpp"}, False, 403, 200, 403),
        ("an integrator", {"integrator_id": "e-katalog"}, False, 200, 200, 403),
        ("a facility officer", {"facility_id": "rutan-serang"}, False, 403, 403, 403),
    ],
)
async def test_notifications_reach_follows_the_role_table(
    notifications: RunningService,
    who: str,
    attributes: dict[str, str],
    staff: bool,
    feed: int,
    endpoints: int,
    grant: int,
) -> None:
    key = await notifications.mint_key(*EVERY_FEED_SCOPE, name=who, staff=staff, **attributes)
    assert (await notifications.http.get("/events", headers=key)).status_code == feed  # an agency: not subscribed
    assert (await notifications.http.get("/endpoints", headers=key)).status_code == endpoints
    granted = await notifications.http.put("/subscriptions/dkpp", json={"event_types": ["*"]}, headers=key)
    assert granted.status_code == grant, granted.text


async def test_an_integrator_reads_only_the_public_catalogue_events(notifications: RunningService) -> None:
    key = await notifications.mint_key("events:read", integrator_id="e-katalog")
    asked = await notifications.http.get("/events", params={"type": [PUBLIC, CUSTODY]}, headers=key)
    assert asked.status_code == 200, asked.text
    assert {entry["type"] for entry in asked.json()["events"]} <= {PUBLIC}


async def test_custody_events_are_never_granted_to_an_agency(notifications: RunningService) -> None:
    staff = await notifications.mint_key("subscriptions:write", "events:read")
    named = await notifications.http.put("/subscriptions/dkpp", json={"event_types": [CUSTODY]}, headers=staff)
    assert named.status_code == 422, named.text
    everything = await notifications.http.put("/subscriptions/dkpp", json={"event_types": ["*"]}, headers=staff)
    assert everything.status_code == 200, everything.text
    agency = await notifications.mint_key("events:read", agency_id="dkpp")
    asked = await notifications.http.get("/events", params={"type": CUSTODY}, headers=agency)
    assert asked.status_code == 200, asked.text
    assert asked.json()["events"] == []


@pytest.mark.parametrize(
    ("who", "attributes", "staff", "listings", "terms"),
    [
        ("platform staff", {}, True, 200, 200),
        ("no attribute, no staff scope", {}, False, 200, 403),
        ("an agency", {"agency_id": "dkpp"}, False, 200, 403),
    ],
)
async def test_marketplace_reach_follows_the_role_table(
    marketplace: RunningService, who: str, attributes: dict[str, str], staff: bool, listings: int, terms: int
) -> None:
    key = await marketplace.mint_key("listings:write", "settlement:write", name=who, staff=staff, **attributes)
    shown = await marketplace.http.get("/manage/listings", headers=key)
    assert shown.status_code == listings, shown.text
    if not staff:
        assert shown.json()["items"] == [] or all(
            item.get("facility_id") == attributes.get("facility_id") for item in shown.json()["items"]
        )
    split = {"premi": 40, "pnbp": 0, "working_capital": 60}
    set_terms = await marketplace.http.put("/programmes/p-1/terms", json=split, headers=key)
    assert set_terms.status_code in ((terms,) if terms == 403 else (200, 404)), set_terms.text


@pytest.mark.parametrize(
    ("who", "attributes", "define", "publish_other"),
    [
        ("platform staff", {}, 201, 200),
        ("an agency's staff", {"agency_id": "dkpp"}, 201, 403),
        ("a facility officer", {"facility_id": "rutan-serang"}, 403, 403),
        ("a trainer", {"trainer_id": "dkpp-trainer-1"}, 403, 403),
    ],
)
async def test_programmes_are_written_by_their_agency_or_platform_staff(
    enrolment: RunningService, who: str, attributes: dict[str, str], define: int, publish_other: int
) -> None:
    key = await enrolment.mint_key("programmes:write", "programmes:read", name=who, **attributes)
    staff = await enrolment.mint_key("programmes:write", "programmes:read")
    body = {
        "agency_id": "dkpp",
        "name": "Hidroponik sayuran",
        "skill_track": "agriculture",
        "duration_hours": 160,
        "sessions": 40,
        "competencies": ["nutrient mixing"],
        "minimum_attendance_rate": 0.8,
        "earns_premi": True,
    }
    defined = await enrolment.http.post("/programmes", json=body, headers=key)
    assert defined.status_code == define, defined.text
    other = await enrolment.http.post("/programmes", json={**body, "agency_id": "dinas-perikanan"}, headers=staff)
    published = await enrolment.http.post(f"/programmes/{other.json()['id']}/publish", json={}, headers=key)
    assert published.status_code == publish_other, published.text
    revised = await enrolment.http.patch(f"/programmes/{other.json()['id']}", json={"name": "x"}, headers=key)
    assert revised.status_code in (403, 404) if publish_other == 403 else revised.status_code == 200, revised.text


@pytest.mark.parametrize(
    ("who", "attributes", "status"),
    [
        ("platform staff", {}, 201),
        ("the facility's officer", {"facility_id": "rutan-serang"}, 201),
        ("another facility's officer", {"facility_id": "lapas-cilegon"}, 403),
        ("a trainer", {"trainer_id": "dkpp-trainer-1"}, 403),
        ("its agency's staff", {"agency_id": "dkpp"}, 201),
        ("another agency's staff", {"agency_id": "dinas-perikanan"}, 403),
        ("no attribute, no staff scope", {}, 403),
    ],
)
async def test_cohorts_are_opened_by_officers_of_that_facility_the_programmes_agency_or_platform_staff(
    enrolment: RunningService, who: str, attributes: dict[str, str], status: int
) -> None:
    staff = await enrolment.mint_key("programmes:write")
    programme = await published_programme(enrolment, staff)
    key = await enrolment.mint_key("cohorts:write", name=who, staff=who == "platform staff", **attributes)
    opening = {
        "programme_id": programme["id"],
        "facility_id": "rutan-serang",
        "starts_on": "2027-01-11",
        "ends_on": "2027-04-30",
        "capacity": 3,
        "trainer_ids": ["dkpp-trainer-1"],
        "place": "greenhouse A",
    }
    opened = await enrolment.http.post("/cohorts", json=opening, headers=key)
    assert opened.status_code == status, opened.text


async def test_a_key_without_staff_scope_or_attribute_reaches_no_participant(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key("participants:read", "participants:write")
    participant = await registered_participant(enrolment, staff)
    bare = await enrolment.mint_key("participants:read", staff=False)
    assert (await enrolment.http.get(f"/participants/{participant}", headers=staff)).status_code == 200
    assert (await enrolment.http.get(f"/participants/{participant}", headers=bare)).status_code in (403, 404)
    shown = await enrolment.http.get("/participants", headers=bare)
    assert shown.status_code == 403 or shown.json()["items"] == [], shown.text
