"""Who may be credited with production, on which day: enrolment facts learnt from events; pure, no I/O.

Each enrolment event becomes a dated fact kept under the event's sequence (the enrolment's version), and
everything else is derived from all facts sorted by sequence. So the same events applied in any order, or
more than once, give the same read model.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from shared.contracts.enrolment import (
    EnrolmentActivated,
    EnrolmentCompleted,
    EnrolmentEnded,
    EnrolmentResumed,
    EnrolmentSuspended,
)
from shared.errors import NotFound


class FacilityBeyondReach(NotFound):
    """A facility officer asks about crediting at their own facility only."""


class FactKind(StrEnum):
    ACTIVATED = "activated"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    COMPLETED = "completed"
    ENDED = "ended"


@dataclass(frozen=True, order=True)
class Fact:
    """What one enrolment event says happened, and on which day."""

    sequence: int
    kind: FactKind
    on: date


@dataclass(frozen=True)
class Interval:
    """Days on which an enrolment was active, both ends included; `last` is None while it still is."""

    first: date
    last: date | None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day and (self.last is None or day <= self.last)


@dataclass(frozen=True)
class EnrolmentRecord:
    """An enrolment as production knows it: whose, in which cohort and programme, and its dated facts."""

    id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    facts: tuple[Fact, ...] = ()

    @property
    def intervals(self) -> list[Interval]:
        return active_intervals(self.facts)


EnrolmentEvent = EnrolmentActivated | EnrolmentSuspended | EnrolmentResumed | EnrolmentCompleted | EnrolmentEnded


def fact_of(event: EnrolmentEvent, *, sequence: int) -> Fact:
    """The dated fact an enrolment event states, at the event's sequence."""
    match event:
        case EnrolmentActivated():
            return Fact(sequence, FactKind.ACTIVATED, event.active_from)
        case EnrolmentSuspended():
            return Fact(sequence, FactKind.SUSPENDED, event.suspended_on)
        case EnrolmentResumed():
            return Fact(sequence, FactKind.RESUMED, event.resumed_on)
        case EnrolmentCompleted():
            return Fact(sequence, FactKind.COMPLETED, event.completed_on)
        case EnrolmentEnded():
            return Fact(sequence, FactKind.ENDED, event.ended_on)


def learn(known: EnrolmentRecord | None, event: EnrolmentEvent, *, sequence: int) -> EnrolmentRecord:
    """The record with this event's fact added; a fact already known at that sequence changes nothing."""
    record = known or EnrolmentRecord(event.enrolment_id, event.participant_id, event.cohort_id, event.programme_id)
    fact = fact_of(event, sequence=sequence)
    same_place = [kept for kept in record.facts if kept.sequence == fact.sequence]
    # Two different facts at one sequence should never happen; keeping the least makes even that order-free.
    chosen = min([fact, *same_place])
    others = [kept for kept in record.facts if kept.sequence != fact.sequence]
    return replace(record, facts=tuple(sorted([*others, chosen])))


def active_intervals(facts: tuple[Fact, ...]) -> list[Interval]:
    """Active days, from the facts in sequence order: a suspension day is not active, an end day still is."""
    intervals: list[Interval] = []
    opened: date | None = None
    for fact in sorted(facts):
        if fact.kind in (FactKind.ACTIVATED, FactKind.RESUMED):
            opened = fact.on if opened is None else opened
        elif opened is not None:
            last = fact.on - timedelta(days=1) if fact.kind is FactKind.SUSPENDED else fact.on
            if last >= opened:
                intervals.append(Interval(opened, last))
            opened = None
    if opened is not None:
        intervals.append(Interval(opened, None))
    return intervals


def active_on(record: EnrolmentRecord, day: date) -> bool:
    return any(day in interval for interval in record.intervals)


def why_not(record: EnrolmentRecord, day: date) -> tuple[int, str]:
    """Why the enrolment is not active on `day`, ranked: the most telling reason has the highest rank."""
    facts = sorted(record.facts)
    activations = [fact.on for fact in facts if fact.kind in (FactKind.ACTIVATED, FactKind.RESUMED)]
    if not activations:
        return 0, "was never active in this programme"
    ended = [fact for fact in facts if fact.kind in (FactKind.COMPLETED, FactKind.ENDED) and fact.on < day]
    if ended:
        return 2, f"enrolment {ended[-1].kind.value} on {ended[-1].on.isoformat()}"
    suspended = [fact for fact in facts if fact.kind is FactKind.SUSPENDED and fact.on <= day]
    if suspended:
        return 3, f"suspended on {suspended[-1].on.isoformat()}"
    return 1, f"not yet active: active from {min(activations).isoformat()}"


@dataclass(frozen=True)
class Standing:
    """Whether a participant may be credited on a day: through which cohort, or why not."""

    cohort_id: str | None
    refusal: str | None


def standing(
    records: list[EnrolmentRecord],
    *,
    programme_id: str,
    day: date,
    facility_id: str | None = None,
    cohort_facilities: Mapping[str, str] | None = None,
) -> Standing:
    """The cohort of an enrolment in the programme (at `facility_id`, when given) active on `day`; else why not.

    A cohort whose opening has not arrived yet has no known facility, and is not held against the participant.
    """
    in_programme = [record for record in records if record.programme_id == programme_id]
    known = cohort_facilities or {}
    relevant = [r for r in in_programme if facility_id is None or known.get(r.cohort_id, facility_id) == facility_id]
    if active := [record for record in relevant if active_on(record, day)]:
        return Standing(active[0].cohort_id, None)
    if not relevant and in_programme:
        elsewhere = sorted({known[record.cohort_id] for record in in_programme})
        return Standing(None, f"trains in this programme at {', '.join(elsewhere)}, not at {facility_id}")
    if not relevant:
        return Standing(None, "was never active in this programme")
    return Standing(None, max(why_not(record, day) for record in relevant)[1])


def refusal(records: list[EnrolmentRecord], *, programme_id: str, day: date) -> str | None:
    """Why the participant may not be credited in the programme on `day`, wherever they train; None if they may."""
    return standing(records, programme_id=programme_id, day=day).refusal
