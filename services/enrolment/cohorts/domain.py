"""Cohorts: runs of a programme with a capacity that is never exceeded and a waiting list; pure, no I/O."""

from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from uuid import uuid4

from services.enrolment.programmes.domain import Programme, ProgrammeStatus
from shared.contracts.enrolment import CohortCapacityChanged, CohortClosed, CohortOpened, CohortStarted
from shared.errors import Conflict, InvalidInput


class InvalidCohort(InvalidInput):
    """A cohort ends after it starts and holds at least one participant."""


class ProgrammeNotPublished(Conflict):
    """Only a published programme opens cohorts."""


@dataclass(frozen=True)
class Cohort:
    """`approved` holds the enrolments that took a place; capacity and places live in one document."""

    id: str
    programme_id: str
    agency_id: str
    facility_id: str
    starts_on: date
    ends_on: date
    capacity: int
    trainer_ids: tuple[str, ...]
    place: str
    approved: tuple[str, ...]
    waitlist: tuple[str, ...]
    opened_at: datetime
    version: int = 1
    started_on: date | None = None
    closed_on: date | None = None

    @property
    def places_left(self) -> int:
        return self.capacity - len(self.approved)


def open_cohort(
    programme: Programme,
    *,
    facility_id: str,
    starts_on: date,
    ends_on: date,
    capacity: int,
    trainer_ids: list[str],
    place: str,
) -> tuple[Cohort, CohortOpened]:
    if programme.status is not ProgrammeStatus.PUBLISHED:
        raise ProgrammeNotPublished("The programme is not published yet.", field="programme_id")
    if ends_on < starts_on:
        raise InvalidCohort("The cohort ends before it starts.", field="ends_on")
    if capacity < 1:
        raise InvalidCohort("A cohort has room for at least one participant.", field="capacity")
    cohort = Cohort(
        id=str(uuid4()),
        programme_id=programme.id,
        agency_id=programme.agency_id,
        facility_id=facility_id,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        trainer_ids=tuple(trainer_ids),
        place=place,
        approved=(),
        waitlist=(),
        opened_at=datetime.now(UTC),
    )
    announced = {name: value for name, value in asdict(cohort).items() if name in CohortOpened.model_fields}
    return cohort, CohortOpened(cohort_id=cohort.id, **announced)


def admit(cohort: Cohort, enrolment_id: str) -> tuple[Cohort, bool]:
    """Take a place if one is left, else join the waiting list; True when a place was taken."""
    if cohort.closed_on is not None:
        raise CohortIsClosed("The cohort is closed.", field="cohort_id")
    if cohort.places_left > 0:
        return replace(cohort, approved=(*cohort.approved, enrolment_id), version=cohort.version + 1), True
    return replace(cohort, waitlist=(*cohort.waitlist, enrolment_id), version=cohort.version + 1), False


def release_place(
    cohort: Cohort, enrolment_id: str, *, clashing: frozenset[str] = frozenset()
) -> tuple[Cohort, str | None]:
    """Give up a place or a waiting-list spot; a freed place goes at once to the first on the waiting list
    not in `clashing` (those whose participant now holds a place in an overlapping cohort keep waiting)."""
    if enrolment_id in cohort.waitlist:
        waitlist = tuple(other for other in cohort.waitlist if other != enrolment_id)
        return replace(cohort, waitlist=waitlist, version=cohort.version + 1), None
    approved = tuple(other for other in cohort.approved if other != enrolment_id)
    left = replace(cohort, approved=approved, version=cohort.version + 1)
    promoted = promotable(left, clashing)
    return _promoted(left, promoted), (promoted[0] if promoted else None)


def promotable(cohort: Cohort, clashing: frozenset[str]) -> list[str]:
    """Who the free places go to: the waiting list in order, skipping `clashing`."""
    return [waiting for waiting in cohort.waitlist if waiting not in clashing][: max(cohort.places_left, 0)]


def _promoted(cohort: Cohort, promoted: list[str]) -> Cohort:
    waitlist = tuple(waiting for waiting in cohort.waitlist if waiting not in promoted)
    return replace(cohort, approved=(*cohort.approved, *promoted), waitlist=waitlist)


def overlaps(first: Cohort, second: Cohort) -> bool:
    return first.starts_on <= second.ends_on and second.starts_on <= first.ends_on


class CohortAlreadyStarted(Conflict):
    """A cohort starts once."""


def start(cohort: Cohort, *, on: date) -> tuple[Cohort, CohortStarted]:
    """The started cohort: its approved enrolments become active (the caller activates them)."""
    if cohort.started_on is not None:
        raise CohortAlreadyStarted(f"The cohort started on {cohort.started_on}.", field="started_on")
    started = replace(cohort, started_on=on, version=cohort.version + 1)
    event = CohortStarted(
        cohort_id=started.id,
        programme_id=started.programme_id,
        started_on=on,
        active_enrolment_ids=list(started.approved),
    )
    return started, event


class CapacityBelowApprovals(InvalidInput):
    """A cohort's capacity cannot drop below the places already taken."""


class CohortIsClosed(Conflict):
    """A closed cohort takes no more enrolments or changes."""


def change_capacity(
    cohort: Cohort, capacity: int, *, clashing: frozenset[str] = frozenset()
) -> tuple[Cohort, list[str], CohortCapacityChanged]:
    """The cohort with its new capacity, and the waiting enrolments (not `clashing`) promoted into added places."""
    if cohort.closed_on is not None:
        raise CohortIsClosed("The cohort is closed.", field="cohort_id")
    if capacity < len(cohort.approved):
        raise CapacityBelowApprovals(f"{len(cohort.approved)} places are already taken.", field="capacity")
    changed = replace(cohort, capacity=capacity, version=cohort.version + 1)
    promoted = promotable(changed, clashing)
    event = CohortCapacityChanged(cohort_id=cohort.id, programme_id=cohort.programme_id, capacity=capacity)
    return _promoted(changed, promoted), promoted, event


def close(cohort: Cohort, *, on: date, withdrawn: frozenset[str]) -> tuple[Cohort, CohortClosed]:
    """The closed cohort: the `withdrawn` enrolments give up their places and the waiting list is empty."""
    if cohort.closed_on is not None:
        raise CohortIsClosed(f"The cohort closed on {cohort.closed_on}.", field="closed_on")
    approved = tuple(enrolment_id for enrolment_id in cohort.approved if enrolment_id not in withdrawn)
    closed = replace(cohort, closed_on=on, approved=approved, waitlist=(), version=cohort.version + 1)
    return closed, CohortClosed(cohort_id=closed.id, programme_id=closed.programme_id, closed_on=on)
