"""Participants and the rules that keep their records sound; pure, no I/O."""

import re
import unicodedata
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from uuid import uuid4

from shared.contracts.enrolment import ParticipantRegistered, ParticipantReleased, ParticipantTransferred
from shared.errors import Conflict, InvalidInput

NIK_PATTERN = re.compile(r"[0-9]{16}")
"""Sixteen ASCII digits, matched whole: `\\d` takes any script's digits and `$` a trailing newline."""


class SecurityClassification(StrEnum):
    MINIMUM = "minimum"
    MEDIUM = "medium"
    MAXIMUM = "maximum"


class ParticipantStatus(StrEnum):
    IN_CUSTODY = "in_custody"
    RELEASED = "released"
    TRANSFERRED = "transferred"


class InvalidNik(InvalidInput):
    """A NIK is 16 digits."""


class ReleaseBeforeSentenceStart(InvalidInput):
    """The expected release date cannot precede the sentence start."""


class NotInCustody(Conflict):
    """Only a participant in custody can be released or transferred."""


class TransferToSameFacility(InvalidInput):
    """A transfer names another facility."""


class AssessedInFuture(InvalidInput):
    """A behaviour assessment is recorded once it has taken place."""


class OlderAssessment(Conflict):
    """A later behaviour assessment is already recorded; the record keeps the latest."""


class DuplicateRegistration(Conflict):
    """Registration numbers are unique per facility and NIKs overall."""


@dataclass(frozen=True)
class Releases:
    """A window of expected release days, either end open (None)."""

    first: date | None = None
    last: date | None = None


class EmptyReleaseWindow(InvalidInput):
    """A release window ends on or after the day it starts."""


def release_window(releases: Releases) -> Releases:
    if releases.first is not None and releases.last is not None and releases.last < releases.first:
        raise EmptyReleaseWindow("The window ends before it starts.", field="release_until")
    return releases


@dataclass(frozen=True, kw_only=True)
class Registration:
    """What an officer records to register a participant: personal data that never leaves this service."""

    facility_id: str
    registration_number: str
    full_name: str
    nik: str
    date_of_birth: date
    sentence_start: date
    expected_release: date
    security_classification: SecurityClassification
    behaviour_score: int | None = None
    behaviour_assessed_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class Participant(Registration):
    """A registered WBP; other services and every event know them only by `id`."""

    id: str
    status: ParticipantStatus
    registered_at: datetime
    version: int


def identifier(value: str) -> str:
    """An identifier as it is compared: NFKC-normalised (fullwidth digits become ASCII ones) and trimmed,
    so that one person written two ways is still one person."""
    return unicodedata.normalize("NFKC", value).strip()


def register_participant(registration: Registration) -> tuple[Participant, ParticipantRegistered]:
    """A new participant in custody, and the event that announces it without personal data."""
    registration = replace(
        registration, nik=identifier(registration.nik), registration_number=identifier(registration.registration_number)
    )
    if not NIK_PATTERN.fullmatch(registration.nik):
        raise InvalidNik("A NIK is exactly 16 digits.", field="nik")
    if not registration.registration_number:
        raise InvalidInput("A registration number is more than spaces.", field="registration_number")
    if registration.expected_release < registration.sentence_start:
        raise ReleaseBeforeSentenceStart(
            "The expected release date is before the sentence start.", field="expected_release"
        )
    participant = Participant(
        id=str(uuid4()),
        status=ParticipantStatus.IN_CUSTODY,
        registered_at=datetime.now(UTC),
        version=1,
        **asdict(registration),
    )
    event = ParticipantRegistered(
        participant_id=participant.id, facility_id=participant.facility_id, registered_at=participant.registered_at
    )
    return participant, event


def assess_behaviour(
    participant: Participant,
    *,
    score: int,
    assessed_on: date,
    classification: SecurityClassification | None,
    today: date,
) -> Participant:
    """The latest periodic (SPPN) assessment: its behaviour score and, when it changed, the classification.
    An assessment of the same day corrects the one recorded."""
    _ensure_in_custody(participant)
    if assessed_on > today:
        raise AssessedInFuture(f"The assessment date is after today ({today}).", field="assessed_on")
    latest = participant.behaviour_assessed_on
    if latest is not None and assessed_on < latest:
        raise OlderAssessment(f"An assessment of {latest} is already recorded.", field="assessed_on")
    return replace(
        participant,
        behaviour_score=score,
        behaviour_assessed_on=assessed_on,
        security_classification=classification or participant.security_classification,
        version=participant.version + 1,
    )


def _ensure_in_custody(participant: Participant) -> None:
    if participant.status is not ParticipantStatus.IN_CUSTODY:
        raise NotInCustody(f"The participant is {participant.status.value}, not in custody.", field="status")


def release(participant: Participant, *, released_on: date) -> tuple[Participant, ParticipantReleased]:
    _ensure_in_custody(participant)
    released = replace(participant, status=ParticipantStatus.RELEASED, version=participant.version + 1)
    return released, ParticipantReleased(
        participant_id=participant.id, facility_id=participant.facility_id, released_on=released_on
    )


def transfer(
    participant: Participant, *, to_facility_id: str, transferred_on: date
) -> tuple[Participant, ParticipantTransferred]:
    _ensure_in_custody(participant)
    if to_facility_id == participant.facility_id:
        raise TransferToSameFacility("The participant is already held there.", field="to_facility_id")
    moved = replace(participant, status=ParticipantStatus.TRANSFERRED, version=participant.version + 1)
    return moved, ParticipantTransferred(
        participant_id=participant.id,
        from_facility_id=participant.facility_id,
        to_facility_id=to_facility_id,
        transferred_on=transferred_on,
    )
