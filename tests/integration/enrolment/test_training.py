"""The lifecycle past approval: cohort start, attendance, assessments, completion, certificate verification."""

import json
from typing import Any

from services.enrolment.main import EnrolmentSettings, create_app
from tests.support.enrolment import STAFF_SCOPES, enrol, opened_cohort, published_programme, registered_participant
from tests.support.infrastructure import Infrastructure
from tests.support.services import RunningService, eventually, serving, settings_for

TRAINER_SCOPES = ("attendance:write", "assessments:write")


async def started_cohort(service: RunningService, staff: dict[str, str], participants: int) -> tuple[dict, list]:
    programme = await published_programme(
        service,
        staff,
        sessions=4,
        duration_hours=16,
        minimum_attendance_rate=0.75,
        competencies=["nutrient mixing", "harvesting"],
    )
    cohort = await opened_cohort(service, staff, programme["id"], capacity=participants, trainer_ids=["trainer-siti"])
    enrolments = [
        await enrol(service, staff, await registered_participant(service, staff), cohort["id"])
        for _ in range(participants)
    ]
    response = await service.http.post(
        f"/cohorts/{cohort['id']}/start", json={"started_on": "2027-01-11"}, headers=staff
    )
    assert response.status_code == 200, response.text
    return programme | {"cohort_id": cohort["id"]}, enrolments


async def attend(
    service: RunningService, key: dict[str, str], cohort_id: str, session: int, marks: list[dict[str, Any]]
) -> Any:
    return await service.http.put(
        f"/cohorts/{cohort_id}/sessions/{session}/attendance",
        json={"held_on": f"2027-01-{11 + session:02d}", "marks": marks},
        headers=key,
    )


async def test_a_participant_who_attends_and_passes_completes_and_the_certificate_verifies_publicly(
    enrolment: RunningService, notifications: RunningService
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    trainer = await enrolment.mint_key(*TRAINER_SCOPES, name="trainer-siti", trainer_id="trainer-siti")
    programme, [diligent, absent] = await started_cohort(enrolment, staff, participants=2)
    cohort_id = programme["cohort_id"]
    assert {
        e["state"] for e in [(await enrolment.http.get(f"/enrolments/{diligent['id']}", headers=staff)).json()]
    } == {"active"}

    for session in range(1, 5):
        absent_mark = {
            "enrolment_id": absent["id"],
            "attended": session <= 2,
            "absence": None if session <= 2 else "sick",
        }
        response = await attend(
            enrolment, trainer, cohort_id, session, [{"enrolment_id": diligent["id"], "attended": True}, absent_mark]
        )
        assert response.status_code == 200, response.text
    corrected = await attend(enrolment, trainer, cohort_id, 4, [{"enrolment_id": absent["id"], "attended": True}])
    assert corrected.status_code == 200
    rates = (await enrolment.http.get(f"/enrolments/{absent['id']}/attendance", headers=staff)).json()
    assert (rates["programme_rate"], rates["running_rate"], rates["required_rate"]) == (0.75, 0.75, 0.75)

    for competency, passed in (("nutrient mixing", True), ("harvesting", True)):
        body = {"competency": competency, "passed": passed, "score": 80}
        assert (
            await enrolment.http.post(f"/enrolments/{diligent['id']}/assessments", json=body, headers=trainer)
        ).status_code == 201
    await enrolment.http.post(
        f"/enrolments/{absent['id']}/assessments", headers=trainer, json={"competency": "harvesting", "passed": False}
    )

    done = await enrolment.http.post(
        f"/enrolments/{diligent['id']}/complete", json={"completed_on": "2027-04-30"}, headers=staff
    )
    assert done.status_code == 200, done.text
    assert done.json()["enrolment"]["state"] == "completed"
    number = done.json()["certificate_number"]
    unmet = await enrolment.http.post(
        f"/enrolments/{absent['id']}/complete", json={"completed_on": "2027-04-30"}, headers=staff
    )
    assert unmet.status_code == 409
    assert "competency not passed: nutrient mixing" in unmet.json()["detail"]
    assert "competency not passed: harvesting" in unmet.json()["detail"]

    verified = await enrolment.http.get(f"/certificates/{number}/verification")
    assert verified.json() == {
        "valid": True,
        "programme": "Hidroponik sayuran",
        "agency_id": "dkpp",
        "issued_on": "2027-04-30",
    }
    unknown = await enrolment.http.get("/certificates/PK-2027-NOTAREALONE/verification")
    assert unknown.json()["valid"] is False

    # the certificate names the programme as it was called when issued, as the printed one does
    renamed = {"name": "Hidroponik sayuran lanjutan"}
    assert (await enrolment.http.patch(f"/programmes/{programme['id']}", json=renamed, headers=staff)).is_success
    still = await enrolment.http.get(f"/certificates/{number}/verification")
    assert still.json()["programme"] == "Hidroponik sayuran"
    # one issued before certificates kept the name reads the programme's
    certificates = enrolment.runtime.database.db["certificates"]
    await certificates.update_one({"_id": number}, {"$unset": {"programme_name": ""}})
    verified = await enrolment.http.get(f"/certificates/{number}/verification")
    assert verified.json()["programme"] == "Hidroponik sayuran lanjutan"

    reader = await notifications.mint_key("events:read")

    async def certificate_event() -> list[dict[str, Any]]:
        page = await notifications.http.get("/events", params={"type": "enrolment.certificate.issued"}, headers=reader)
        return list(page.json()["events"])

    [issued] = await eventually(certificate_event)
    assert issued["subject"] == number
    participant = (await enrolment.http.get(f"/participants/{diligent['participant_id']}", headers=staff)).json()
    assert participant["nik"] not in json.dumps(issued)


async def test_only_the_cohorts_trainer_takes_its_attendance_and_marks_are_checked(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES, *TRAINER_SCOPES)
    stranger = await enrolment.mint_key(*TRAINER_SCOPES, trainer_id="trainer-other")
    programme, [placed] = await started_cohort(enrolment, staff, participants=1)
    cohort_id = programme["cohort_id"]
    refused = await attend(enrolment, stranger, cohort_id, 1, [{"enrolment_id": placed["id"], "attended": True}])
    assert refused.status_code == 403
    no_reason = await attend(enrolment, staff, cohort_id, 1, [{"enrolment_id": placed["id"], "attended": False}])
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "absence")
    beyond = await attend(enrolment, staff, cohort_id, 5, [{"enrolment_id": placed["id"], "attended": True}])
    assert (beyond.status_code, beyond.json()["field"]) == (422, "session")


async def test_attendance_cannot_be_corrected_after_the_edit_window(
    infrastructure: Infrastructure, namespace: str
) -> None:
    settings = settings_for(EnrolmentSettings, infrastructure, namespace, attendance_edit_days=0)
    async with serving(create_app(settings)) as service:
        staff = await service.mint_key(*STAFF_SCOPES, "attendance:write")
        programme, [placed] = await started_cohort(service, staff, participants=1)
        mark = [{"enrolment_id": placed["id"], "attended": True}]
        assert (await attend(service, staff, programme["cohort_id"], 1, mark)).status_code == 200
        late = await attend(service, staff, programme["cohort_id"], 1, mark)
        assert (late.status_code, late.json()["field"]) == (409, "session")
