"""The enrolment service's documents: participants (with their personal data)."""

from dataclasses import asdict, fields
from datetime import date, datetime, time
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from services.enrolment.cohorts import Cohort
from services.enrolment.domain import (
    DuplicateRegistration,
    Participant,
    ParticipantStatus,
    SecurityClassification,
)
from services.enrolment.enrolments import (
    Background,
    Enrolment,
    EnrolmentState,
    FailedRule,
    Override,
    Rule,
    Transition,
)
from services.enrolment.programmes import Eligibility, Programme, ProgrammeStatus
from shared.database import ConcurrentChange, Document, ServiceDatabase, Transaction
from shared.errors import Conflict, NotFound

PARTICIPANTS = "participants"
PROGRAMMES = "programmes"
COHORTS = "cohorts"
ENROLMENTS = "enrolments"
HOLDING_STATES = ["approved", "active", "suspended"]
LIVE_STATES = ["approved", "waitlisted", "active", "suspended"]

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
    ENROLMENTS: [
        IndexModel([("participant_id", ASCENDING), ("state", ASCENDING)], name="participant_state"),
        IndexModel([("cohort_id", ASCENDING), ("state", ASCENDING)], name="cohort_state"),
    ],
}


class ParticipantNotFound(NotFound):
    """No participant has this id."""


class ProgrammeNotFound(NotFound):
    """No programme has this id."""


class CohortNotFound(NotFound):
    """No cohort has this id."""


class EnrolmentNotFound(NotFound):
    """No enrolment has this id."""


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


def enrolment_document(enrolment: Enrolment) -> Document:
    document: Document = asdict(enrolment)
    document["_id"] = document.pop("id")
    document["created_at"] = enrolment.history[0].at
    return document


def enrolment_from(document: Document) -> Enrolment:
    return Enrolment(
        id=document["_id"],
        participant_id=document["participant_id"],
        cohort_id=document["cohort_id"],
        programme_id=document["programme_id"],
        facility_id=document["facility_id"],
        state=EnrolmentState(document["state"]),
        failed_rules=tuple(FailedRule(Rule(item["rule"]), item["detail"]) for item in document["failed_rules"]),
        overrides=tuple(Override(Rule(item["rule"]), item["reason"]) for item in document["overrides"]),
        history=tuple(
            Transition(EnrolmentState(item["state"]), item["at"], item["by"], item["reason"])
            for item in document["history"]
        ),
        version=document["version"],
    )


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


async def cohort(tx: Transaction, cohort_id: str) -> Cohort:
    return cohort_from(await load(tx, COHORTS, cohort_id, CohortNotFound, "cohort_id"))


async def enrolment(tx: Transaction, enrolment_id: str, *, facility: str | None = None) -> Enrolment:
    """The enrolment; one at another facility than `facility` (when given) is not found."""
    found = enrolment_from(await load(tx, ENROLMENTS, enrolment_id, EnrolmentNotFound, "enrolment_id"))
    if facility is not None and found.facility_id != facility:
        raise EnrolmentNotFound(f"No enrolment {enrolment_id}.", field="enrolment_id")
    return found


async def background(tx: Transaction, participant_id: str) -> Background:
    """The programmes a participant completed and the cohorts where they hold a place."""
    enrolments = tx.db[ENROLMENTS]
    completed = await enrolments.distinct(
        "programme_id", {"participant_id": participant_id, "state": "completed"}, session=tx.session
    )
    holding = await enrolments.distinct(
        "cohort_id", {"participant_id": participant_id, "state": {"$in": HOLDING_STATES}}, session=tx.session
    )
    held = await tx.db[COHORTS].find({"_id": {"$in": holding}}, session=tx.session).to_list()
    return Background(frozenset(completed), tuple(cohort_from(document) for document in held))


async def live_enrolment_exists(tx: Transaction, participant_id: str, cohort_id: str) -> bool:
    query = {"participant_id": participant_id, "cohort_id": cohort_id, "state": {"$in": LIVE_STATES}}
    return await tx.db[ENROLMENTS].find_one(query, session=tx.session) is not None


async def live_enrolments(tx: Transaction, participant_id: str) -> list[Enrolment]:
    query = {"participant_id": participant_id, "state": {"$in": LIVE_STATES}}
    return [enrolment_from(document) async for document in tx.db[ENROLMENTS].find(query, session=tx.session)]


async def enrolments_of(tx: Transaction, participant_id: str) -> list[Enrolment]:
    found = tx.db[ENROLMENTS].find({"participant_id": participant_id}, sort=[("created_at", 1)], session=tx.session)
    return [enrolment_from(document) async for document in found]


async def live_enrolments_in(tx: Transaction, cohort_id: str) -> list[Enrolment]:
    query = {"cohort_id": cohort_id, "state": {"$in": LIVE_STATES}}
    return [enrolment_from(document) async for document in tx.db[ENROLMENTS].find(query, session=tx.session)]


async def fill_enrolment_facilities(database: ServiceDatabase) -> None:
    """Enrolments stored before they carried their cohort's facility get it; later starts change nothing."""
    enrolments = database.db[ENROLMENTS]
    for cohort_id in await enrolments.distinct("cohort_id", {"facility_id": {"$exists": False}}):
        cohort = await database.db[COHORTS].find_one({"_id": cohort_id}, projection=["facility_id"])
        if cohort is not None:
            await enrolments.update_many(
                {"cohort_id": cohort_id, "facility_id": {"$exists": False}},
                {"$set": {"facility_id": cohort["facility_id"]}},
            )
