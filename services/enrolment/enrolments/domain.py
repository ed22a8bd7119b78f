"""Enrolments: screening, places and the waiting list, and every transition with who and why; pure, no I/O."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from uuid import uuid4

from services.enrolment.cohorts import domain as cohorts
from services.enrolment.cohorts.domain import Cohort
from services.enrolment.participants.domain import Participant, ParticipantStatus
from services.enrolment.programmes.domain import Programme
from shared.contracts.enrolment import (
    CohortClosed,
    EnrolmentActivated,
    EnrolmentApproved,
    EnrolmentEnded,
    EnrolmentRejected,
    EnrolmentWaitlisted,
    EnrolmentWithdrawn,
)
from shared.errors import Conflict, InvalidInput


class EnrolmentState(StrEnum):
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    COMPLETED = "completed"
    ENDED = "ended"


class EndReason(StrEnum):
    NOT_COMPLETED = "not_completed"
    WITHDRAWN_BY_PARTICIPANT = "withdrawn_by_participant"
    WITHDRAWN_BY_STAFF = "withdrawn_by_staff"
    DISMISSED = "dismissed"
    HEALTH = "health"
    SECURITY = "security"
    RELEASED = "released"
    TRANSFERRED = "transferred"


class Rule(StrEnum):
    IN_CUSTODY = "in_custody"
    FACILITY = "facility"
    SCHEDULE_CLASH = "schedule_clash"
    REMAINING_SENTENCE = "remaining_sentence"
    SECURITY_CLASSIFICATION = "security_classification"
    MINIMUM_AGE = "minimum_age"
    PREREQUISITES = "prerequisites"
    BEHAVIOUR_SCORE = "behaviour_score"


BEFORE_TRAINING = (EnrolmentState.APPROVED, EnrolmentState.WAITLISTED)
IN_TRAINING = (EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED)
NEVER_OVERRIDDEN = frozenset({Rule.IN_CUSTODY, Rule.FACILITY, Rule.SCHEDULE_CLASH})

Decision = EnrolmentApproved | EnrolmentWaitlisted | EnrolmentRejected
"""What a request comes to: a place, the waiting list, or a rejection naming every failed rule."""


class RuleNotOverridable(InvalidInput):
    """Custody, the facility and schedule clashes are facts, not judgements: no officer can override them."""


class IllegalTransition(Conflict):
    """The enrolment's current state does not allow this."""


@dataclass(frozen=True)
class FailedRule:
    rule: Rule
    detail: str


@dataclass(frozen=True)
class Override:
    rule: Rule
    reason: str


@dataclass(frozen=True)
class Transition:
    """Who moved the enrolment to `state`, when, and why."""

    state: EnrolmentState
    at: datetime
    by: str
    reason: str | None = None


@dataclass(frozen=True)
class Enrolment:
    id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    facility_id: str
    state: EnrolmentState
    failed_rules: tuple[FailedRule, ...]
    overrides: tuple[Override, ...]
    history: tuple[Transition, ...]
    version: int = 1


@dataclass(frozen=True)
class Background:
    """What screening needs beyond the participant: programmes completed, cohorts already held."""

    completed_programme_ids: frozenset[str]
    held_cohorts: tuple[Cohort, ...]


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def screen(participant: Participant, programme: Programme, cohort: Cohort, background: Background) -> list[FailedRule]:
    """Every rule the request fails, not just the first."""
    rules, failed = programme.eligibility, []
    if participant.status is not ParticipantStatus.IN_CUSTODY:
        failed.append(FailedRule(Rule.IN_CUSTODY, f"the participant is {participant.status.value}"))
    if participant.facility_id != cohort.facility_id:
        failed.append(
            FailedRule(Rule.FACILITY, f"held at {participant.facility_id}, the cohort runs at {cohort.facility_id}")
        )
    if clashes := [held.id for held in background.held_cohorts if cohorts.overlaps(held, cohort)]:
        failed.append(FailedRule(Rule.SCHEDULE_CLASH, f"already placed in overlapping cohort(s) {', '.join(clashes)}"))
    if rules.sentence_must_cover_course and participant.expected_release < cohort.ends_on:
        failed.append(FailedRule(Rule.REMAINING_SENTENCE, "release is expected before the cohort ends"))
    if participant.security_classification not in rules.allowed_classifications:
        failed.append(FailedRule(Rule.SECURITY_CLASSIFICATION, f"{participant.security_classification} not allowed"))
    if rules.minimum_age is not None and age_on(participant.date_of_birth, cohort.starts_on) < rules.minimum_age:
        failed.append(FailedRule(Rule.MINIMUM_AGE, f"younger than {rules.minimum_age} when the cohort starts"))
    if missing := rules.prerequisite_programme_ids - background.completed_programme_ids:
        failed.append(FailedRule(Rule.PREREQUISITES, f"programme(s) {', '.join(sorted(missing))} not completed"))
    if rules.minimum_behaviour_score is not None and (participant.behaviour_score or 0) < rules.minimum_behaviour_score:
        failed.append(FailedRule(Rule.BEHAVIOUR_SCORE, f"behaviour score below {rules.minimum_behaviour_score}"))
    return failed


def request_enrolment(
    participant: Participant,
    programme: Programme,
    cohort: Cohort,
    background: Background,
    *,
    overrides: list[Override],
    by: str,
) -> tuple[Enrolment, Cohort, Decision]:
    """Screen the request, then take a place, join the waiting list, or be rejected naming every failed rule."""
    if refused := [override for override in overrides if override.rule in NEVER_OVERRIDDEN]:
        raise RuleNotOverridable(f"The rule {refused[0].rule.value} cannot be overridden.", field="overrides")
    overridden = {override.rule for override in overrides}
    failed = [
        failure for failure in screen(participant, programme, cohort, background) if failure.rule not in overridden
    ]
    enrolment_id = str(uuid4())
    ids = {
        "enrolment_id": enrolment_id,
        "participant_id": participant.id,
        "cohort_id": cohort.id,
        "programme_id": programme.id,
    }
    cohort, state, event = decided(cohort, failed, ids)
    reason = "; ".join(f"override {o.rule.value}: {o.reason}" for o in overrides) or None
    enrolment = Enrolment(
        id=enrolment_id,
        participant_id=participant.id,
        cohort_id=cohort.id,
        programme_id=programme.id,
        facility_id=cohort.facility_id,
        state=state,
        failed_rules=tuple(failed),
        overrides=tuple(overrides),
        history=(Transition(state, datetime.now(UTC), by, reason),),
    )
    return enrolment, cohort, event


def decided(cohort: Cohort, failed: list[FailedRule], ids: dict[str, str]) -> tuple[Cohort, EnrolmentState, Decision]:
    """Rejected when a rule failed, else a place when one is left, else the waiting list."""
    if failed:
        return cohort, EnrolmentState.REJECTED, EnrolmentRejected(**ids, failed_rules=[f.rule.value for f in failed])
    cohort, placed = cohorts.admit(cohort, ids["enrolment_id"])
    if placed:
        return cohort, EnrolmentState.APPROVED, EnrolmentApproved(**ids, from_waitlist=False)
    return cohort, EnrolmentState.WAITLISTED, EnrolmentWaitlisted(**ids, position=len(cohort.waitlist))


def withdraw(
    enrolment: Enrolment,
    cohort: Cohort,
    *,
    by_participant: bool,
    by: str,
    reason: str,
    clashing: frozenset[str] = frozenset(),
) -> tuple[Enrolment, Cohort, EnrolmentWithdrawn, str | None]:
    """Withdraw an approved or waitlisted enrolment; returns the id of whoever the freed place promotes."""
    if enrolment.state not in (EnrolmentState.APPROVED, EnrolmentState.WAITLISTED):
        raise IllegalTransition(f"The enrolment is {enrolment.state.value}; it cannot be withdrawn.", field="state")
    cohort, promoted = cohorts.release_place(cohort, enrolment.id, clashing=clashing)
    withdrawn = transition(enrolment, EnrolmentState.WITHDRAWN, by=by, reason=reason)
    event = EnrolmentWithdrawn(
        **ids_of(enrolment),
        withdrawn_by="participant" if by_participant else "staff",
        place_freed=enrolment.state is EnrolmentState.APPROVED,
    )
    return withdrawn, cohort, event, promoted


def promote(enrolment: Enrolment, *, by: str) -> tuple[Enrolment, EnrolmentApproved]:
    """The head of the waiting list takes the place just freed."""
    if enrolment.state is not EnrolmentState.WAITLISTED:
        raise IllegalTransition(f"The enrolment is {enrolment.state.value}, not waitlisted.", field="state")
    approved = transition(enrolment, EnrolmentState.APPROVED, by=by, reason="a place was freed")
    return approved, EnrolmentApproved(**ids_of(enrolment), from_waitlist=True)


def activate(enrolment: Enrolment, *, on: date, by: str) -> tuple[Enrolment, EnrolmentActivated]:
    """An approved enrolment's training starts: its cohort started, or it took a place in a started one."""
    if enrolment.state is not EnrolmentState.APPROVED:
        raise IllegalTransition(f"The enrolment is {enrolment.state.value}, not approved.", field="state")
    active = transition(enrolment, EnrolmentState.ACTIVE, by=by, reason="the cohort started")
    return active, EnrolmentActivated(**ids_of(enrolment), active_from=on)


def end(
    enrolment: Enrolment, *, on: date, reason: EndReason, by: str, note: str | None
) -> tuple[Enrolment, EnrolmentEnded]:
    """End an active or suspended enrolment without completion; the reason is kept and published."""
    if enrolment.state not in (EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED):
        raise IllegalTransition(f"The enrolment is {enrolment.state.value}; only training can end.", field="state")
    ended = transition(enrolment, EnrolmentState.ENDED, by=by, reason=f"{reason.value}: {note}" if note else reason)
    return ended, EnrolmentEnded(**ids_of(enrolment), ended_on=on, reason=reason.value)


Left = tuple[Enrolment, EnrolmentEnded | EnrolmentWithdrawn]
"""An enrolment that a closing cohort ended or withdrew, and the event that says which."""


def close_cohort(
    cohort: Cohort, live: list[Enrolment], *, on: date, by: str
) -> tuple[Cohort, CohortClosed, list[Left]]:
    """Close a cohort with its `live` enrolments: training not completed ends as not completed, places and
    waiting-list spots are withdrawn."""
    left: list[Left] = []
    for enrolment in live:
        if enrolment.state in IN_TRAINING:
            left.append(end(enrolment, on=on, reason=EndReason.NOT_COMPLETED, by=by, note=None))
        else:
            withdrawn, _, event, _ = withdraw(
                enrolment, cohort, by_participant=False, by=by, reason="the cohort closed"
            )
            left.append((withdrawn, event))
    withdrawn_ids = frozenset(gone.id for gone, _ in left if gone.state is EnrolmentState.WITHDRAWN)
    closed, closing = cohorts.close(cohort, on=on, withdrawn=withdrawn_ids)
    return closed, closing, left


def ids_of(enrolment: Enrolment) -> dict[str, str]:
    """The ids every event about an enrolment carries."""
    return {
        "enrolment_id": enrolment.id,
        "participant_id": enrolment.participant_id,
        "cohort_id": enrolment.cohort_id,
        "programme_id": enrolment.programme_id,
    }


def transition(enrolment: Enrolment, state: EnrolmentState, *, by: str, reason: str | None) -> Enrolment:
    step = Transition(state, datetime.now(UTC), by, reason)
    return replace(enrolment, state=state, history=(*enrolment.history, step), version=enrolment.version + 1)
