"""Screening: every eligibility rule alone and together, overrides with a recorded reason, schedule clashes."""

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.enrolment import STAFF_SCOPES, enrol, opened_cohort, published_programme, registered_participant
from tests.support.services import RunningService

STRICT_RULES = {
    "allowed_classifications": ["minimum", "medium"],
    "minimum_age": 21,
    "minimum_behaviour_score": 60,
    "sentence_must_cover_course": True,
}
ELIGIBLE = {
    "security_classification": "minimum",
    "date_of_birth": "1990-01-01",
    "behaviour_score": 75,
    "expected_release": "2029-01-01",
}
FAILING = {
    "remaining_sentence": {"expected_release": "2027-02-01"},
    "security_classification": {"security_classification": "maximum"},
    "minimum_age": {"date_of_birth": "2008-06-01"},
    "behaviour_score": {"behaviour_score": 40},
}


async def strict_cohort(service: RunningService, staff: dict[str, str], **rules: Any) -> dict[str, Any]:
    programme = await published_programme(service, staff, eligibility={**STRICT_RULES, **rules})
    return await opened_cohort(service, staff, programme["id"], capacity=10)


@pytest.mark.parametrize("rule", sorted(FAILING))
async def test_each_rule_alone_rejects_and_names_itself(enrolment: RunningService, rule: str) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await strict_cohort(enrolment, staff)
    participant = await registered_participant(enrolment, staff, **{**ELIGIBLE, **FAILING[rule]})
    result = await enrol(enrolment, staff, participant, cohort["id"])
    assert result["state"] == "rejected"
    assert [failure["rule"] for failure in result["failed_rules"]] == [rule]


async def test_a_missing_prerequisite_rejects(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    basics = await published_programme(enrolment, staff, name="Dasar pertanian")
    cohort = await strict_cohort(enrolment, staff, prerequisite_programme_ids=[basics["id"]])
    result = await enrol(enrolment, staff, await registered_participant(enrolment, staff, **ELIGIBLE), cohort["id"])
    assert result["state"] == "rejected"
    assert result["failed_rules"] == [{"rule": "prerequisites", "detail": f"programme(s) {basics['id']} not completed"}]


async def test_all_rules_failing_together_are_all_reported(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await strict_cohort(enrolment, staff, prerequisite_programme_ids=["p-basics"])
    everything_wrong = {key: value for failing in FAILING.values() for key, value in failing.items()}
    result = await enrol(
        enrolment, staff, await registered_participant(enrolment, staff, **everything_wrong), cohort["id"]
    )
    assert {failure["rule"] for failure in result["failed_rules"]} == {*FAILING, "prerequisites"}


async def test_an_eligible_participant_is_approved(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await strict_cohort(enrolment, staff)
    result = await enrol(enrolment, staff, await registered_participant(enrolment, staff, **ELIGIBLE), cohort["id"])
    assert (result["state"], result["failed_rules"]) == ("approved", [])


async def test_an_officer_overrides_a_failed_rule_with_a_reason_that_is_kept(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES, name="officer-budi")
    cohort = await strict_cohort(enrolment, staff)
    participant = await registered_participant(enrolment, staff, **{**ELIGIBLE, "behaviour_score": 40})
    override = {"rule": "behaviour_score", "reason": "score raised at last week's SPPN review"}
    result = await enrol(enrolment, staff, participant, cohort["id"], overrides=[override])
    assert result["state"] == "approved"
    assert result["overrides"] == [override]
    [step] = result["history"]
    assert step["by"].startswith("officer-budi")
    assert "score raised" in step["reason"]


async def test_custody_and_clashes_cannot_be_overridden(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await strict_cohort(enrolment, staff)
    participant = await registered_participant(enrolment, staff, **ELIGIBLE)
    body = {
        "participant_id": participant,
        "cohort_id": cohort["id"],
        "overrides": [{"rule": "schedule_clash", "reason": "trust me"}],
    }
    response = await enrolment.http.post("/enrolments", json=body, headers=staff)
    assert response.status_code == 422
    assert response.json()["field"] == "overrides"


async def test_a_place_in_an_overlapping_cohort_is_a_clash_but_a_later_cohort_is_not(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = await published_programme(enrolment, staff)
    january = await opened_cohort(enrolment, staff, programme["id"], starts_on="2027-01-11", ends_on="2027-04-30")
    march = await opened_cohort(enrolment, staff, programme["id"], starts_on="2027-03-01", ends_on="2027-06-30")
    june = await opened_cohort(enrolment, staff, programme["id"], starts_on="2027-05-03", ends_on="2027-08-27")
    participant = await registered_participant(enrolment, staff)
    assert (await enrol(enrolment, staff, participant, january["id"]))["state"] == "approved"
    clash = await enrol(enrolment, staff, participant, march["id"])
    assert clash["state"] == "rejected"
    assert [failure["rule"] for failure in clash["failed_rules"]] == ["schedule_clash"]
    assert (await enrol(enrolment, staff, participant, june["id"]))["state"] == "approved"


async def test_a_second_request_for_the_same_cohort_is_a_conflict(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await opened_cohort(enrolment, staff, (await published_programme(enrolment, staff))["id"])
    participant = await registered_participant(enrolment, staff)
    await enrol(enrolment, staff, participant, cohort["id"])
    again = await enrolment.http.post(
        "/enrolments", json={"participant_id": participant, "cohort_id": cohort["id"]}, headers=staff
    )
    assert (again.status_code, again.json()["field"]) == (409, "participant_id")


DRAFT = {
    "agency_id": "dkpp",
    "name": "Draft",
    "skill_track": "agriculture",
    "duration_hours": 160,
    "sessions": 40,
    "competencies": ["x"],
    "minimum_attendance_rate": 0.8,
    "earns_premi": False,
}
OPENING = {
    "facility_id": "rutan-serang",
    "starts_on": "2027-01-01",
    "ends_on": "2027-02-01",
    "capacity": 5,
    "place": "plot",
}
Body = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
"""A request body made from the draft programme and the published one."""


@pytest.mark.parametrize(
    ("url", "body_of", "status", "field"),
    [
        pytest.param(
            "/programmes",
            lambda draft, published: {**draft, "sessions": 0},
            422,
            "sessions",
            id="programme-no-sessions",
        ),
        pytest.param(
            "/cohorts",
            lambda draft, published: {**OPENING, "programme_id": draft["id"]},
            409,
            "programme_id",
            id="cohort-of-a-draft-programme",
        ),
        pytest.param(
            "/cohorts",
            lambda draft, published: {**OPENING, "programme_id": published["id"], "capacity": 0},
            422,
            "capacity",
            id="cohort-without-room",
        ),
        pytest.param(
            "/cohorts",
            lambda draft, published: {**OPENING, "programme_id": published["id"], "starts_on": "2027-03-01"},
            422,
            "ends_on",
            id="cohort-ending-before-it-starts",
        ),
        pytest.param(
            "/cohorts",
            lambda draft, published: {**OPENING, "programme_id": "nope"},
            404,
            "programme_id",
            id="cohort-of-no-programme",
        ),
        pytest.param(
            "/enrolments",
            lambda draft, published: {"participant_id": "nobody", "cohort_id": "nowhere"},
            404,
            "participant_id",
            id="enrolment-of-nobody",
        ),
    ],
)
async def test_bad_programme_cohort_and_enrolment_input_names_the_field(
    enrolment: RunningService, url: str, body_of: Body, status: int, field: str
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    draft = (await enrolment.http.post("/programmes", headers=staff, json=DRAFT)).json()
    programme = await published_programme(enrolment, staff)
    made = body_of(draft, programme)
    body = {key: value for key, value in made.items() if key not in ("id", "status", "created_at", "published_at")}
    response = await enrolment.http.post(url, json=body, headers=staff)
    assert (response.status_code, response.json().get("field")) == (status, field), (url, response.text)


async def test_screening_uses_the_latest_behaviour_assessment_and_classification(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    cohort = await strict_cohort(enrolment, staff)
    low = {**ELIGIBLE, "behaviour_score": 40, "security_classification": "maximum"}
    participant = await registered_participant(enrolment, staff, **low, behaviour_assessed_on="2026-08-31")
    url = f"/participants/{participant}/behaviour-assessments"

    review = {"score": 72, "assessed_on": "2026-11-27", "security_classification": "medium"}
    assessed = await enrolment.http.post(url, json=review, headers=staff)
    assert assessed.status_code == 200, assessed.text
    assert (assessed.json()["behaviour_score"], assessed.json()["behaviour_assessed_on"]) == (72, "2026-11-27")
    assert assessed.json()["security_classification"] == "medium"
    assert (await enrol(enrolment, staff, participant, cohort["id"]))["state"] == "approved"

    older = await enrolment.http.post(url, json={"score": 90, "assessed_on": "2026-10-01"}, headers=staff)
    assert (older.status_code, older.json()["field"]) == (409, "assessed_on")
    too_high = await enrolment.http.post(url, json={"score": 101, "assessed_on": "2026-11-27"}, headers=staff)
    assert (too_high.status_code, too_high.json()["field"]) == (422, "score")
    elsewhere = await enrolment.mint_key(*STAFF_SCOPES, facility_id="lapas-cilegon")
    hidden = await enrolment.http.post(url, json={"score": 80, "assessed_on": "2026-11-27"}, headers=elsewhere)
    assert (hidden.status_code, hidden.json()["field"]) == (404, "participant_id")
