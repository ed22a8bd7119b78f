"""Training in a cohort: attendance, assessments, suspension, completion and certificates; pure, no I/O."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from services.enrolment.certificates.domain import certificate_number
from services.enrolment.cohorts.domain import Cohort
from services.enrolment.enrolments.domain import Enrolment, EnrolmentState, IllegalTransition, ids_of, transition
from services.enrolment.programmes.domain import Programme
from shared.contracts.enrolment import (
    CertificateIssued,
    EnrolmentCompleted,
    EnrolmentResumed,
    EnrolmentSuspended,
)
from shared.errors import Conflict, InvalidInput


class Absence(StrEnum):
    SICK = "sick"
    REFUSED = "refused"
    REST = "rest"
    CLASH = "clash"
    CANCELLED = "cancelled"
    OTHER = "other"


class InvalidAttendance(InvalidInput):
    """Attendance is for a session of the programme, and an absence has a reason."""


class EditWindowClosed(Conflict):
    """Attendance can be corrected only within the edit window."""


class CompletionNotMet(Conflict):
    """Completion needs the programme's attendance rate and every competency passed."""


@dataclass(frozen=True)
class Mark:
    """One participant's attendance at one session, as recorded (or corrected) by someone."""

    session: int
    held_on: date
    attended: bool
    absence: Absence | None
    recorded_by: str
    recorded_at: datetime


def mark(
    programme: Programme,
    cohort: Cohort,
    *,
    session: int,
    held_on: date,
    attended: bool,
    absence: Absence | None,
    by: str,
) -> Mark:
    if not 1 <= session <= programme.sessions:
        raise InvalidAttendance(f"The programme has sessions 1 to {programme.sessions}.", field="session")
    if not cohort.starts_on <= held_on <= cohort.ends_on:
        raise InvalidAttendance("The session date falls outside the cohort's dates.", field="held_on")
    if attended == (absence is not None):
        raise InvalidAttendance("An absence, and only an absence, has a reason.", field="absence")
    return Mark(session, held_on, attended, absence, by, datetime.now(UTC))


def ensure_editable(first_recorded_at: datetime | None, *, now: datetime, window: timedelta) -> None:
    """A session's mark may be corrected for `window` after it was first recorded."""
    if first_recorded_at is not None and now - first_recorded_at > window:
        raise EditWindowClosed(f"The session was recorded over {window.days} day(s) ago.", field="session")


def attendance_rate(marks: list[Mark], programme: Programme) -> float:
    """Sessions attended over the programme's sessions: the figure completion is judged on."""
    return sum(1 for m in marks if m.attended) / programme.sessions


def running_rate(marks: list[Mark]) -> float | None:
    """Sessions attended over sessions held so far."""
    return sum(1 for m in marks if m.attended) / len(marks) if marks else None


def complete(
    enrolment: Enrolment, programme: Programme, marks: list[Mark], passed: set[str], *, on: date, by: str
) -> tuple[Enrolment, EnrolmentCompleted, CertificateIssued]:
    if enrolment.state is not EnrolmentState.ACTIVE:
        raise IllegalTransition(f"The enrolment is {enrolment.state.value}, not active.", field="state")
    rate = attendance_rate(marks, programme)
    missing = [c for c in programme.competencies if c not in passed]
    if rate < programme.minimum_attendance_rate or missing:
        unmet = [f"attendance {rate:.0%} below {programme.minimum_attendance_rate:.0%}"] * (
            rate < programme.minimum_attendance_rate
        ) + [f"competency not passed: {c}" for c in missing]
        raise CompletionNotMet("; ".join(unmet), field="state")
    completed = transition(enrolment, EnrolmentState.COMPLETED, by=by, reason=None)
    ids = {
        "enrolment_id": enrolment.id,
        "participant_id": enrolment.participant_id,
        "programme_id": enrolment.programme_id,
    }
    event = EnrolmentCompleted(**ids, cohort_id=enrolment.cohort_id, completed_on=on, attendance_rate=rate)
    certificate = CertificateIssued(
        **ids, certificate_number=certificate_number(on), agency_id=programme.agency_id, issued_on=on
    )
    return completed, event, certificate


def with_assessment(passed: frozenset[str], competency: str, programme: Programme, *, result: bool) -> frozenset[str]:
    if competency not in programme.competencies:
        raise InvalidInput(f"The programme does not assess {competency!r}.", field="competency")
    return passed | {competency} if result else passed - {competency}


def suspend(
    enrolment: Enrolment, *, on: date, with_premi: bool, by: str, reason: str
) -> tuple[Enrolment, EnrolmentSuspended]:
    if enrolment.state is not EnrolmentState.ACTIVE:
        raise IllegalTransition(f"The enrolment is {enrolment.state.value}, not active.", field="state")
    premi = "with premi" if with_premi else "without premi"
    suspended = transition(enrolment, EnrolmentState.SUSPENDED, by=by, reason=f"{reason} ({premi})")
    return suspended, EnrolmentSuspended(**ids_of(enrolment), suspended_on=on, with_premi=with_premi)


def resume(enrolment: Enrolment, *, on: date, by: str) -> tuple[Enrolment, EnrolmentResumed]:
    if enrolment.state is not EnrolmentState.SUSPENDED:
        raise IllegalTransition(f"The enrolment is {enrolment.state.value}, not suspended.", field="state")
    resumed = transition(enrolment, EnrolmentState.ACTIVE, by=by, reason="resumed")
    return resumed, EnrolmentResumed(**ids_of(enrolment), resumed_on=on)
