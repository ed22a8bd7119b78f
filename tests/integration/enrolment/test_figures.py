"""Aggregate figures: agencies see their own programmes' counts, the directorate every programme's."""

from tests.support.enrolment import STAFF_SCOPES, enrol, opened_cohort, published_programme, registered_participant
from tests.support.services import RunningService


async def test_an_agency_reads_its_programmes_figures_and_the_directorate_reads_all(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = await published_programme(enrolment, staff, agency_id="dkpp")
    other = await published_programme(enrolment, staff, agency_id="diskoperindag")
    cohort = await opened_cohort(enrolment, staff, programme["id"], capacity=2)
    placed = [
        await enrol(enrolment, staff, await registered_participant(enrolment, staff), cohort["id"]) for _ in range(3)
    ]
    await enrolment.http.post(f"/cohorts/{cohort['id']}/start", json={"started_on": "2027-01-11"}, headers=staff)
    ending = {"ended_on": "2027-02-01", "reason": "security"}
    assert (
        await enrolment.http.post(f"/enrolments/{placed[0]['id']}/end", json=ending, headers=staff)
    ).status_code == 200

    dkpp = await enrolment.mint_key("figures:read", agency_id="dkpp")
    figures = (await enrolment.http.get(f"/programmes/{programme['id']}/figures", headers=dkpp)).json()
    assert figures == {
        "programme_id": programme["id"],
        "enrolled": 3,
        "in_training": 2,
        "completed": 0,
        "ended": 1,
        "waitlisted": 0,
        "completion_rate": 0.0,
    }
    assert (await enrolment.http.get(f"/programmes/{other['id']}/figures", headers=dkpp)).status_code == 404

    directorate = await enrolment.mint_key("reports:read")
    everything = (await enrolment.http.get("/figures", headers=directorate)).json()
    assert [row["programme_id"] for row in everything] == [programme["id"]]
    elsewhere = await enrolment.http.get("/figures", params={"facility_id": "lapas-cilegon"}, headers=directorate)
    assert elsewhere.json() == []
    assert (await enrolment.http.get("/figures", headers=dkpp)).status_code == 403
    unreaching = await enrolment.mint_key("figures:read", "reports:read", staff=False)
    officer = await enrolment.mint_key("figures:read", "reports:read", facility_id="rutan-serang")
    for key in (unreaching, officer):  # no attribute, or one that says nothing of programmes: no figures
        assert (await enrolment.http.get(f"/programmes/{programme['id']}/figures", headers=key)).status_code == 404
        assert (await enrolment.http.get("/figures", headers=key)).json() == []
