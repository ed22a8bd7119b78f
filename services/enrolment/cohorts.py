"""Cohorts: runs of a programme with a capacity that is never exceeded and a waiting list; pure, no I/O."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from uuid import uuid4

from services.enrolment.programmes import Programme, ProgrammeStatus
from shared.errors import Conflict, InvalidInput
from shared.events.enrolment import CohortOpened


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
    return cohort, CohortOpened(
        cohort_id=cohort.id,
        programme_id=programme.id,
        agency_id=programme.agency_id,
        facility_id=facility_id,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        place=place,
    )


def admit(cohort: Cohort, enrolment_id: str) -> tuple[Cohort, bool]:
    """Take a place if one is left, else join the waiting list; True when a place was taken."""
    if cohort.closed_on is not None:
        raise CohortIsClosed("The cohort is closed.", field="cohort_id")
    if cohort.places_left > 0:
        return replace(cohort, approved=(*cohort.approved, enrolment_id), version=cohort.version + 1), True
    return replace(cohort, waitlist=(*cohort.waitlist, enrolment_id), version=cohort.version + 1), False


def release_place(cohort: Cohort, enrolment_id: str) -> tuple[Cohort, str | None]:
    """Give up a place or a waiting-list spot; a freed place goes at once to the head of the waiting list."""
    if enrolment_id in cohort.waitlist:
        waitlist = tuple(other for other in cohort.waitlist if other != enrolment_id)
        return replace(cohort, waitlist=waitlist, version=cohort.version + 1), None
    approved = [other for other in cohort.approved if other != enrolment_id]
    promoted = cohort.waitlist[0] if cohort.waitlist and len(approved) < cohort.capacity else None
    if promoted is not None:
        approved.append(promoted)
    waitlist = cohort.waitlist[1:] if promoted else cohort.waitlist
    return replace(cohort, approved=tuple(approved), waitlist=waitlist, version=cohort.version + 1), promoted


def overlaps(first: Cohort, second: Cohort) -> bool:
    return first.starts_on <= second.ends_on and second.starts_on <= first.ends_on


class CohortAlreadyStarted(Conflict):
    """A cohort starts once."""


def start(cohort: Cohort, *, on: date) -> Cohort:
    if cohort.started_on is not None:
        raise CohortAlreadyStarted(f"The cohort started on {cohort.started_on}.", field="started_on")
    return replace(cohort, started_on=on, version=cohort.version + 1)


class CapacityBelowApprovals(InvalidInput):
    """A cohort's capacity cannot drop below the places already taken."""


class CohortIsClosed(Conflict):
    """A closed cohort takes no more enrolments or changes."""


def change_capacity(cohort: Cohort, capacity: int) -> tuple[Cohort, list[str]]:
    """The cohort with its new capacity, and the waiting enrolments promoted into the places it adds."""
    if cohort.closed_on is not None:
        raise CohortIsClosed("The cohort is closed.", field="cohort_id")
    if capacity < len(cohort.approved):
        raise CapacityBelowApprovals(f"{len(cohort.approved)} places are already taken.", field="capacity")
    promoted = list(cohort.waitlist[: capacity - len(cohort.approved)])
    changed = replace(
        cohort,
        capacity=capacity,
        approved=(*cohort.approved, *promoted),
        waitlist=cohort.waitlist[len(promoted) :],
        version=cohort.version + 1,
    )
    return changed, promoted


def close(cohort: Cohort, *, on: date) -> Cohort:
    if cohort.closed_on is not None:
        raise CohortIsClosed(f"The cohort closed on {cohort.closed_on}.", field="closed_on")
    return replace(cohort, closed_on=on, waitlist=(), version=cohort.version + 1)
