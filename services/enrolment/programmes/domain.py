"""Programmes: what a partner agency teaches, for how long, and who may enrol; pure, no I/O."""

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar
from uuid import uuid4

from services.enrolment.participants.domain import SecurityClassification
from shared.contracts.enrolment import ProgrammePublished, ProgrammeUpdated
from shared.errors import Conflict, InvalidInput


class ProgrammeStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class InvalidProgramme(InvalidInput):
    """A programme's figures must make sense: positive hours and sessions, a rate between 0 and 1."""


class AlreadyPublished(Conflict):
    """A programme is published once."""


@dataclass(frozen=True)
class Eligibility:
    """Who may enrol. Every rule that fails is reported, and an officer may override most of them."""

    allowed_classifications: frozenset[SecurityClassification] = frozenset(SecurityClassification)
    minimum_age: int | None = None
    prerequisite_programme_ids: frozenset[str] = frozenset()
    minimum_behaviour_score: int | None = None
    sentence_must_cover_course: bool = True


@dataclass(frozen=True)
class Programme:
    id: str
    agency_id: str
    name: str
    skill_track: str
    duration_hours: int
    sessions: int
    competencies: tuple[str, ...]
    minimum_attendance_rate: float
    earns_premi: bool
    eligibility: Eligibility
    status: ProgrammeStatus
    created_at: datetime
    version: int = 1
    published_at: datetime | None = field(default=None)


def define_programme(
    *,
    agency_id: str,
    name: str,
    skill_track: str,
    duration_hours: int,
    sessions: int,
    competencies: list[str],
    minimum_attendance_rate: float,
    earns_premi: bool,
    eligibility: Eligibility,
) -> Programme:
    """A draft programme; it opens cohorts once published."""
    if duration_hours <= 0:
        raise InvalidProgramme("A programme lasts at least one hour.", field="duration_hours")
    if sessions <= 0 or sessions > duration_hours:
        raise InvalidProgramme("Sessions must be between 1 and the programme's hours.", field="sessions")
    if not 0 <= minimum_attendance_rate <= 1:
        raise InvalidProgramme("The attendance rate is a fraction between 0 and 1.", field="minimum_attendance_rate")
    if not competencies:
        raise InvalidProgramme("A programme assesses at least one competency.", field="competencies")
    return Programme(
        id=str(uuid4()),
        agency_id=agency_id,
        name=name,
        skill_track=skill_track,
        duration_hours=duration_hours,
        sessions=sessions,
        competencies=tuple(competencies),
        minimum_attendance_rate=minimum_attendance_rate,
        earns_premi=earns_premi,
        eligibility=eligibility,
        status=ProgrammeStatus.DRAFT,
        created_at=datetime.now(UTC),
    )


Announcement = TypeVar("Announcement", ProgrammePublished, ProgrammeUpdated)


def announced(programme: Programme, contract: type[Announcement]) -> Announcement:
    """The programme as its events tell partner agencies about it: the fields the contract names."""
    values = {name: value for name, value in asdict(programme).items() if name in contract.model_fields}
    return contract(programme_id=programme.id, **values)


def publish(programme: Programme) -> tuple[Programme, ProgrammePublished]:
    if programme.status is ProgrammeStatus.PUBLISHED:
        raise AlreadyPublished("The programme is already published.", field="status")
    published = replace(
        programme, status=ProgrammeStatus.PUBLISHED, published_at=datetime.now(UTC), version=programme.version + 1
    )
    return published, announced(programme, ProgrammePublished)


def revise(programme: Programme, **changes: Any) -> tuple[Programme, ProgrammeUpdated | None]:
    """The programme with `changes` applied under the same rules as a new one; announced once published."""
    checked = define_programme(**{**programme_fields(programme), **changes})
    revised = replace(programme, **{name: getattr(checked, name) for name in changes}, version=programme.version + 1)
    if revised.status is not ProgrammeStatus.PUBLISHED:
        return revised, None
    return revised, announced(revised, ProgrammeUpdated)


DEFINITION_FIELDS = (
    "agency_id",
    "name",
    "skill_track",
    "duration_hours",
    "sessions",
    "competencies",
    "minimum_attendance_rate",
    "earns_premi",
    "eligibility",
)


def programme_fields(programme: Programme) -> dict[str, Any]:
    """What define_programme takes, as the programme has it."""
    values = {name: getattr(programme, name) for name in DEFINITION_FIELDS}
    return {**values, "competencies": list(programme.competencies)}
