"""The enrolment service's documents: participants (with their personal data), programmes and cohorts."""

from dataclasses import asdict, fields
from datetime import date, datetime, time
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from services.enrolment.callers import EVERYWHERE, Reach
from services.enrolment.cohorts.domain import Cohort
from services.enrolment.participants.domain import (
    DuplicateRegistration,
    Participant,
    ParticipantStatus,
    SecurityClassification,
)
from services.enrolment.programmes.domain import Eligibility, Programme, ProgrammeStatus
from shared.database import ConcurrentChange, Document, Transaction
from shared.errors import Conflict, NotFound

PARTICIPANTS = "participants"
PROGRAMMES = "programmes"
COHORTS = "cohorts"

INDEXES = {
    PARTICIPANTS: [
        IndexModel(
            [("facility_id", ASCENDING), ("registration_number", ASCENDING)],
            name="registration_number_per_facility",
            unique=True,
        ),
        IndexModel([("nik", ASCENDING)], name="nik", unique=True),
    ],
    PROGRAMMES: [IndexModel([("agency_id", ASCENDING)], name="agency")],
    COHORTS: [IndexModel([("programme_id", ASCENDING)], name="programme")],
}


class ParticipantNotFound(NotFound):
    """No participant has this id."""


class ProgrammeNotFound(NotFound):
    """No programme has this id."""


class CohortNotFound(NotFound):
    """No cohort has this id."""


class StaleParticipant(Conflict):
    """Another change to the participant committed first."""


def to_document(participant: Participant) -> Document:
    document: dict[str, Any] = asdict(participant)
    document["_id"] = document.pop("id")
    for name, value in document.items():
        if isinstance(value, date) and not isinstance(value, datetime):
            document[name] = datetime.combine(value, time())
    return document


PARTICIPANT_FIELDS = [field.name for field in fields(Participant) if field.name != "id"]


def from_document(document: Document) -> Participant:
    values: dict[str, Any] = {name: document.get(name) for name in PARTICIPANT_FIELDS}
    for name in ("date_of_birth", "sentence_start", "expected_release", "behaviour_assessed_on"):
        values[name] = values[name].date() if values.get(name) else None
    values["security_classification"] = SecurityClassification(values["security_classification"])
    values["status"] = ParticipantStatus(values["status"])
    return Participant(id=document["_id"], **values)


async def add_participant(tx: Transaction, participant: Participant) -> None:
    try:
        await tx.db[PARTICIPANTS].insert_one(to_document(participant), session=tx.session)
    except DuplicateKeyError as error:
        field = "nik" if "nik" in str(error) else "registration_number"
        raise DuplicateRegistration(f"A participant with this {field} is already registered.", field=field) from None


async def participant(tx: Transaction, participant_id: str, *, facility: str | None = None) -> Participant:
    """The participant; one held at another facility than `facility` (when given) is not found."""
    query = {"_id": participant_id} | ({"facility_id": facility} if facility else {})
    document = await tx.db[PARTICIPANTS].find_one(query, session=tx.session)
    if document is None:
        raise ParticipantNotFound(f"No participant {participant_id}.", field="participant_id")
    return from_document(document)


async def claim_placement(tx: Transaction, participant_id: str) -> None:
    """Write to the participant with every request or promotion, so that two transactions placing one
    participant at once conflict and one retries, seeing the other's place: no schedule clash slips through."""
    await tx.db[PARTICIPANTS].update_one({"_id": participant_id}, {"$inc": {"placements": 1}}, session=tx.session)


async def save_participant(tx: Transaction, participant: Participant) -> None:
    """Replace the stored participant; the version guards against a lost update."""
    result = await tx.db[PARTICIPANTS].replace_one(
        {"_id": participant.id, "version": participant.version - 1}, to_document(participant), session=tx.session
    )
    if result.matched_count != 1:
        raise StaleParticipant(f"Participant {participant.id} changed meanwhile; retry.")


# Programmes, cohorts and enrolments


def programme_document(programme: Programme) -> Document:
    document: Document = asdict(programme)
    document["_id"] = document.pop("id")
    rules = programme.eligibility
    document["eligibility"] = {
        **asdict(rules),
        "allowed_classifications": sorted(rules.allowed_classifications),
        "prerequisite_programme_ids": sorted(rules.prerequisite_programme_ids),
    }
    return document


def programme_from(document: Document) -> Programme:
    values = {name: value for name, value in document.items() if name != "_id"}
    rules = values.pop("eligibility")
    eligibility = Eligibility(
        **{
            **rules,
            "allowed_classifications": frozenset(map(SecurityClassification, rules["allowed_classifications"])),
            "prerequisite_programme_ids": frozenset(rules["prerequisite_programme_ids"]),
        }
    )
    return Programme(
        id=document["_id"],
        **{**values, "competencies": tuple(values["competencies"]), "status": ProgrammeStatus(values["status"])},
        eligibility=eligibility,
    )


def cohort_document(cohort: Cohort) -> Document:
    document: Document = asdict(cohort)
    document["_id"] = document.pop("id")
    for name in ("starts_on", "ends_on", "started_on", "closed_on"):
        if document[name] is not None:
            document[name] = datetime.combine(document[name], time())
    return document


def cohort_from(document: Document) -> Cohort:
    values = {name: value for name, value in document.items() if name != "_id"}
    for name in ("starts_on", "ends_on", "started_on", "closed_on"):
        values[name] = values[name].date() if values.get(name) else None
    for name in ("trainer_ids", "approved", "waitlist"):
        values[name] = tuple(values[name])
    return Cohort(id=document["_id"], **values)


async def load(tx: Transaction, collection: str, document_id: str, missing: type[NotFound], field: str) -> Document:
    document = await tx.db[collection].find_one({"_id": document_id}, session=tx.session)
    if document is None:
        raise missing(f"No {field.removesuffix('_id')} {document_id}.", field=field)
    return document


async def save(tx: Transaction, collection: str, document: Document) -> None:
    """Insert a first version, or replace the version before it; a lost race is a ConcurrentChange."""
    if document["version"] == 1:
        await tx.db[collection].insert_one(document, session=tx.session)
        return
    result = await tx.db[collection].replace_one(
        {"_id": document["_id"], "version": document["version"] - 1}, document, session=tx.session
    )
    if result.matched_count != 1:
        raise ConcurrentChange(f"{collection} {document['_id']} changed meanwhile")


async def programme(tx: Transaction, programme_id: str) -> Programme:
    return programme_from(await load(tx, PROGRAMMES, programme_id, ProgrammeNotFound, "programme_id"))


async def cohort(tx: Transaction, cohort_id: str, *, reach: Reach = EVERYWHERE) -> Cohort:
    """The cohort; one beyond `reach` (another facility's, another agency's, one its trainer does not train)
    is not found."""
    cohort = cohort_from(await load(tx, COHORTS, cohort_id, CohortNotFound, "cohort_id"))
    if not within_reach(cohort, reach):
        raise CohortNotFound(f"No cohort {cohort_id}.", field="cohort_id")
    return cohort


def within_reach(cohort: Cohort, reach: Reach) -> bool:
    """Whether a key of `reach` may see the cohort, and so the enrolments in it."""
    return (
        reach.facility_id in (None, cohort.facility_id)
        and reach.agency_id in (None, cohort.agency_id)
        and (reach.trainer_id is None or reach.trainer_id in cohort.trainer_ids)
    )
