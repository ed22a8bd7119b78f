"""Cohort places, the waiting list and screening, pure."""

from dataclasses import replace
from datetime import date

import pytest

from services.enrolment.cohorts import domain as cohorts
from services.enrolment.enrolments import domain as enrolments
from services.enrolment.enrolments.domain import Background, EnrolmentState, Override, Rule
from services.enrolment.participants.domain import ParticipantStatus, SecurityClassification
from services.enrolment.programmes import domain as programmes
from services.enrolment.programmes.domain import Eligibility
from tests.support.participants import register

NOTHING = Background(completed_programme_ids=frozenset(), held_cohorts=())


def programme(**rules: object) -> programmes.Programme:
    draft = programmes.define_programme(
        agency_id="dkpp",
        name="Hidroponik",
        skill_track="agriculture",
        duration_hours=160,
        sessions=40,
        competencies=["nutrients"],
        minimum_attendance_rate=0.8,
        earns_premi=True,
        eligibility=Eligibility(**rules),  # type: ignore[arg-type]
    )
    return programmes.publish(draft)[0]


def cohort(capacity: int = 2, starts_on: date = date(2027, 1, 11), ends_on: date = date(2027, 4, 30)) -> cohorts.Cohort:
    opened, _ = cohorts.open_cohort(
        programme(),
        facility_id="rutan-serang",
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        trainer_ids=[],
        place="greenhouse",
    )
    return opened


def test_places_fill_then_the_waiting_list_grows_in_order() -> None:
    held = cohort(capacity=2)
    outcomes = []
    for enrolment_id in ("a", "b", "c", "d"):
        held, placed = cohorts.admit(held, enrolment_id)
        outcomes.append(placed)
    assert outcomes == [True, True, False, False]
    assert (held.approved, held.waitlist, held.places_left) == (("a", "b"), ("c", "d"), 0)


def test_a_freed_place_goes_to_the_head_of_the_list_and_a_waiting_spot_frees_nobody() -> None:
    held = cohort(capacity=1)
    for enrolment_id in ("a", "b", "c"):
        held, _ = cohorts.admit(held, enrolment_id)
    held, promoted = cohorts.release_place(held, "c")
    assert (promoted, held.waitlist) == (None, ("b",))
    held, promoted = cohorts.release_place(held, "a")
    assert (promoted, held.approved, held.waitlist) == ("b", ("b",), ())


def test_a_freed_or_added_place_skips_whoever_now_clashes_and_they_keep_their_turn() -> None:
    held = cohort(capacity=1)
    for enrolment_id in ("a", "b", "c", "d"):
        held, _ = cohorts.admit(held, enrolment_id)
    held, promoted = cohorts.release_place(held, "a", clashing=frozenset({"b"}))
    assert (promoted, held.approved, held.waitlist) == ("c", ("c",), ("b", "d"))
    held, added, _ = cohorts.change_capacity(held, 3, clashing=frozenset({"b"}))
    assert (added, held.approved, held.waitlist) == (["d"], ("c", "d"), ("b",))
    held, added, _ = cohorts.change_capacity(held, 4)
    assert (added, held.approved, held.waitlist, held.places_left) == (["b"], ("c", "d", "b"), (), 1)


def test_an_unpublished_programme_opens_no_cohort() -> None:
    draft = programmes.define_programme(
        agency_id="dkpp",
        name="x",
        skill_track="agriculture",
        duration_hours=10,
        sessions=2,
        competencies=["c"],
        minimum_attendance_rate=0.5,
        earns_premi=False,
        eligibility=Eligibility(),
    )
    with pytest.raises(cohorts.ProgrammeNotPublished):
        cohorts.open_cohort(
            draft,
            facility_id="f",
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 2, 1),
            capacity=1,
            trainer_ids=[],
            place="p",
        )


def test_screening_reports_every_failed_rule_in_a_stable_order() -> None:
    strict = programme(
        allowed_classifications=frozenset({SecurityClassification.MINIMUM}),
        minimum_age=40,
        prerequisite_programme_ids=frozenset({"basics"}),
        minimum_behaviour_score=90,
    )
    participant = replace(
        register(
            facility_id="lapas-cilegon",
            security_classification=SecurityClassification.MAXIMUM,
            expected_release=date(2027, 2, 1),
        ),
        status=ParticipantStatus.RELEASED,
    )
    clashing = Background(frozenset(), (cohort(),))
    failed = enrolments.screen(participant, strict, cohort(), clashing)
    assert [failure.rule for failure in failed] == list(Rule)


def test_a_participant_turning_the_minimum_age_on_the_first_day_is_old_enough() -> None:
    adult = register(date_of_birth=date(2009, 1, 11))
    assert enrolments.screen(adult, programme(minimum_age=18), cohort(), NOTHING) == []
    assert enrolments.age_on(date(2009, 1, 12), date(2027, 1, 11)) == 17


def test_an_override_lets_a_failed_rule_pass_and_is_recorded() -> None:
    participant = register()
    override = Override(Rule.BEHAVIOUR_SCORE, "reviewed by the TPP board")
    enrolment, held, event = enrolments.request_enrolment(
        participant, programme(minimum_behaviour_score=50), cohort(), NOTHING, overrides=[override], by="officer"
    )
    assert enrolment.state is EnrolmentState.APPROVED
    assert held.approved == (enrolment.id,)
    assert enrolment.history[0].reason == "override behaviour_score: reviewed by the TPP board"
    assert event.event_type == "enrolment.enrolment.approved"


def test_a_participant_held_elsewhere_is_rejected_and_no_override_changes_that() -> None:
    elsewhere = register(facility_id="lapas-cilegon")
    enrolment, held, _ = enrolments.request_enrolment(elsewhere, programme(), cohort(), NOTHING, overrides=[], by="o")
    assert (enrolment.state, held.approved) == (EnrolmentState.REJECTED, ())
    [failed] = enrolment.failed_rules
    assert (failed.rule, failed.detail) == (Rule.FACILITY, "held at lapas-cilegon, the cohort runs at rutan-serang")
    with pytest.raises(enrolments.RuleNotOverridable):
        enrolments.request_enrolment(
            elsewhere, programme(), cohort(), NOTHING, overrides=[Override(Rule.FACILITY, "moving soon")], by="o"
        )


def test_a_rejected_request_takes_no_place() -> None:
    young = register(date_of_birth=date(2015, 1, 1))
    enrolment, held, event = enrolments.request_enrolment(
        young, programme(minimum_age=18), cohort(), NOTHING, overrides=[], by="officer"
    )
    assert enrolment.state is EnrolmentState.REJECTED
    assert held.approved == ()
    assert event.model_dump()["failed_rules"] == ["minimum_age"]


def test_a_rejected_enrolment_cannot_be_withdrawn_or_promoted() -> None:
    young = register(date_of_birth=date(2015, 1, 1))
    rejected, held, _ = enrolments.request_enrolment(
        young, programme(minimum_age=18), cohort(), NOTHING, overrides=[], by="officer"
    )
    with pytest.raises(enrolments.IllegalTransition):
        enrolments.withdraw(rejected, held, by_participant=True, by="officer", reason="changed mind")
    with pytest.raises(enrolments.IllegalTransition):
        enrolments.promote(rejected, by="officer")
