"""Who may see and change what: officers their own facility, agencies no participant at all."""

from services.enrolment.enrolments import store as enrolments_store
from tests.support.enrolment import (
    STAFF_SCOPES,
    enrol,
    known_facility,
    opened_cohort,
    published_programme,
    registered_participant,
)
from tests.support.participants import new_registration
from tests.support.services import RunningService


async def test_a_partner_agency_cannot_read_a_participant(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    participant = await registered_participant(enrolment, staff)
    agency = await enrolment.mint_key("programmes:write", "programmes:read", "cohorts:read", agency_id="dkpp")
    response = await enrolment.http.get(f"/participants/{participant}", headers=agency)
    assert response.status_code == 403


async def test_agency_and_trainer_keys_never_see_personal_data_whatever_their_scopes(
    enrolment: RunningService,
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    participant = await registered_participant(enrolment, staff)
    for attribute in ({"agency_id": "dkpp"}, {"trainer_id": "dkpp-trainer-1"}):
        key = await enrolment.mint_key("participants:read", "participants:write", **attribute)
        for response in (
            await enrolment.http.get(f"/participants/{participant}", headers=key),
            await enrolment.http.get("/participants", headers=key),
            await enrolment.http.get(f"/participants/{participant}/training-record", headers=key),
            await enrolment.http.post("/participants", json=new_registration(), headers=key),
        ):
            assert response.status_code == 403, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert "Ahmad" not in response.text


async def test_another_facilitys_officer_can_neither_see_nor_change_nor_enrol_a_participant(
    enrolment: RunningService,
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    serang = await enrolment.mint_key(*STAFF_SCOPES, facility_id="rutan-serang")
    cilegon = await enrolment.mint_key(*STAFF_SCOPES, facility_id="lapas-cilegon")
    participant = await registered_participant(enrolment, serang, facility_id="rutan-serang")
    cohort = await opened_cohort(enrolment, staff, (await published_programme(enrolment, staff))["id"])

    assert (await enrolment.http.get(f"/participants/{participant}", headers=serang)).status_code == 200
    hidden = await enrolment.http.get(f"/participants/{participant}", headers=cilegon)
    assert (hidden.status_code, hidden.json()["field"]) == (404, "participant_id")
    release = await enrolment.http.post(
        f"/participants/{participant}/release", json={"released_on": "2026-12-01"}, headers=cilegon
    )
    assert release.status_code == 404
    request = {"participant_id": participant, "cohort_id": cohort["id"]}
    assert (await enrolment.http.post("/enrolments", json=request, headers=cilegon)).status_code == 404
    assert (await enrol(enrolment, serang, participant, cohort["id"]))["state"] == "approved"


async def test_an_officer_registers_participants_only_at_their_own_facility(enrolment: RunningService) -> None:
    serang = await enrolment.mint_key("participants:write", facility_id="rutan-serang")
    elsewhere = new_registration(facility_id="lapas-cilegon")
    response = await enrolment.http.post("/participants", json=elsewhere, headers=serang)
    assert (response.status_code, response.json()["field"]) == (403, "facility_id")


async def test_an_officer_sees_and_changes_only_their_facilitys_enrolments(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    serang = await enrolment.mint_key(*STAFF_SCOPES, facility_id="rutan-serang")
    cilegon = await enrolment.mint_key(
        *STAFF_SCOPES, facility_id=await known_facility(enrolment, staff, "lapas-cilegon")
    )
    programme = (await published_programme(enrolment, staff))["id"]
    at_serang = await opened_cohort(enrolment, staff, programme)
    at_cilegon = await opened_cohort(enrolment, staff, programme, facility_id="lapas-cilegon")
    ours = await enrol(enrolment, serang, await registered_participant(enrolment, serang), at_serang["id"])
    theirs = await enrol(
        enrolment,
        cilegon,
        await registered_participant(enrolment, cilegon, facility_id="lapas-cilegon"),
        at_cilegon["id"],
    )
    assert (ours["facility_id"], theirs["facility_id"]) == ("rutan-serang", "lapas-cilegon")

    listed = await enrolment.http.get("/enrolments", params={"cohort_id": at_cilegon["id"]}, headers=serang)
    assert listed.json()["items"] == []
    everything = await enrolment.http.get("/enrolments", params={"limit": 200}, headers=serang)
    assert {item["facility_id"] for item in everything.json()["items"]} == {"rutan-serang"}
    enrolment_url = f"/enrolments/{theirs['id']}"
    for response in (
        await enrolment.http.get(enrolment_url, headers=serang),
        await enrolment.http.get(f"{enrolment_url}/attendance", headers=serang),
        await enrolment.http.post(
            f"{enrolment_url}/withdraw", json={"by": "staff", "reason": "not ours"}, headers=serang
        ),
    ):
        assert (response.status_code, response.json()["field"]) == (404, "enrolment_id")
    assert (await enrolment.http.get(enrolment_url, headers=cilegon)).json()["state"] == "approved"
    assert (await enrolment.http.get(enrolment_url, headers=staff)).status_code == 200


async def test_agency_and_trainer_keys_reach_only_their_programmes_and_cohorts_enrolments(
    enrolment: RunningService,
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    hydroponics = await published_programme(enrolment, staff)
    catfish = await published_programme(enrolment, staff, agency_id="dinas-perikanan", name="Budidaya lele")
    greenhouse = await opened_cohort(enrolment, staff, hydroponics["id"], trainer_ids=["dkpp-trainer-1"])
    rack = await opened_cohort(enrolment, staff, hydroponics["id"], trainer_ids=["dkpp-trainer-2"])
    pond = await opened_cohort(enrolment, staff, catfish["id"], trainer_ids=["perikanan-trainer-1"])
    placed = {
        name: await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])
        for name, cohort in (("greenhouse", greenhouse), ("rack", rack), ("pond", pond))
    }
    dkpp = await enrolment.mint_key("enrolments:read", "enrolments:write", agency_id="dkpp")
    trainer = await enrolment.mint_key("enrolments:read", trainer_id="dkpp-trainer-1")

    async def reached(headers: dict[str, str]) -> set[str]:
        page = await enrolment.http.get("/enrolments", params={"limit": 200}, headers=headers)
        return {item["id"] for item in page.json()["items"]}

    assert await reached(dkpp) == {placed["greenhouse"]["id"], placed["rack"]["id"]}
    assert await reached(trainer) == {placed["greenhouse"]["id"]}
    assert await reached(staff) >= {item["id"] for item in placed.values()}
    for headers, beyond in ((dkpp, placed["pond"]), (trainer, placed["rack"])):
        hidden = await enrolment.http.get(f"/enrolments/{beyond['id']}", headers=headers)
        assert (hidden.status_code, hidden.json()["field"]) == (404, "enrolment_id")
    request = {"participant_id": await registered_participant(enrolment, staff), "cohort_id": pond["id"]}
    elsewhere = await enrolment.http.post("/enrolments", json=request, headers=dkpp)
    assert elsewhere.status_code == 403  # an agency's key requests no enrolment at all, in its cohorts or not


async def test_a_participant_cannot_be_enrolled_in_another_facilitys_cohort(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    await known_facility(enrolment, staff, "lapas-cilegon")
    programme = (await published_programme(enrolment, staff))["id"]
    elsewhere = await opened_cohort(enrolment, staff, programme, facility_id="lapas-cilegon")
    participant = await registered_participant(enrolment, staff, facility_id="rutan-serang")
    rejected = await enrol(enrolment, staff, participant, elsewhere["id"])
    assert rejected["state"] == "rejected"
    assert rejected["failed_rules"] == [
        {"rule": "facility", "detail": "held at rutan-serang, the cohort runs at lapas-cilegon"}
    ]


async def test_enrolments_stored_before_they_carried_a_facility_get_their_cohorts_at_start(
    enrolment: RunningService,
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    serang = await enrolment.mint_key(*STAFF_SCOPES, facility_id="rutan-serang")
    cohort = await opened_cohort(enrolment, staff, (await published_programme(enrolment, staff))["id"])
    placed = await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"])
    database = enrolment.runtime.database
    await database.db["enrolments"].update_one({"_id": placed["id"]}, {"$unset": {"facility_id": ""}})

    await enrolments_store.fill_enrolment_facilities(database)
    await enrolments_store.fill_enrolment_facilities(database)
    found = await enrolment.http.get(f"/enrolments/{placed['id']}", headers=serang)
    assert (found.status_code, found.json()["facility_id"]) == (200, "rutan-serang")


async def test_agency_and_trainer_keys_see_which_rules_failed_but_not_why_nor_staffs_notes(
    enrolment: RunningService,
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    strict = {"allowed_classifications": ["minimum"], "minimum_behaviour_score": 60}
    cohort = await opened_cohort(
        enrolment, staff, (await published_programme(enrolment, staff, eligibility=strict))["id"]
    )
    held_closely = await registered_participant(enrolment, staff, security_classification="maximum", behaviour_score=80)
    rejected = await enrol(enrolment, staff, held_closely, cohort["id"])
    override = {"rule": "behaviour_score", "reason": "score raised at last week's SPPN review"}
    placed = await enrol(
        enrolment, staff, await registered_participant(enrolment, staff), cohort["id"], overrides=[override]
    )
    withdrawal = {"by": "participant", "reason": "moved to the catfish cohort after a family visit"}
    await enrolment.http.post(f"/enrolments/{placed['id']}/withdraw", json=withdrawal, headers=staff)

    assert rejected["failed_rules"] == [{"rule": "security_classification", "detail": "maximum not allowed"}]
    for attribute in ({"agency_id": "dkpp"}, {"trainer_id": "dkpp-trainer-1"}):
        key = await enrolment.mint_key("enrolments:read", **attribute)
        seen = {item["id"]: item for item in (await enrolment.http.get("/enrolments", headers=key)).json()["items"]}
        assert seen[rejected["id"]]["failed_rules"] == [{"rule": "security_classification"}]
        assert seen[placed["id"]]["overrides"] == [{"rule": "behaviour_score"}]
        assert [step["reason"] for step in seen[placed["id"]]["history"]] == [None, None]
        one = await enrolment.http.get(f"/enrolments/{placed['id']}", headers=key)
        for told in ("maximum", "SPPN", "family visit"):
            assert told not in one.text + str(seen)
    assert (await enrolment.http.get(f"/enrolments/{placed['id']}", headers=staff)).json()["overrides"] == [override]
