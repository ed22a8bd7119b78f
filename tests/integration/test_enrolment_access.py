"""Who may see and change what: officers their own facility, agencies no participant at all."""

from tests.support.enrolment import STAFF_SCOPES, enrol, opened_cohort, published_programme, registered_participant
from tests.support.participants import new_registration
from tests.support.services import RunningService


async def test_a_partner_agency_cannot_read_a_participant(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    participant = await registered_participant(enrolment, staff)
    agency = await enrolment.mint_key("programmes:write", "programmes:read", "cohorts:read", agency_id="dkpp")
    response = await enrolment.http.get(f"/participants/{participant}", headers=agency)
    assert response.status_code == 403


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
