"""The enrolment service's documents: participants (with their personal data)."""

from dataclasses import asdict
from datetime import date, datetime, time
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from services.enrolment.domain import (
    DuplicateRegistration,
    Participant,
    ParticipantStatus,
    SecurityClassification,
)
from shared.database import Document, Transaction
from shared.errors import Conflict, NotFound

PARTICIPANTS = "participants"

INDEXES = {
    PARTICIPANTS: [
        IndexModel(
            [("facility_id", ASCENDING), ("registration_number", ASCENDING)],
            name="registration_number_per_facility",
            unique=True,
        ),
        IndexModel([("nik", ASCENDING)], name="nik", unique=True),
    ],
}


class ParticipantNotFound(NotFound):
    """No participant has this id."""


class StaleParticipant(Conflict):
    """Another change to the participant committed first."""


def to_document(participant: Participant) -> Document:
    document: dict[str, Any] = asdict(participant)
    document["_id"] = document.pop("id")
    for name, value in document.items():
        if isinstance(value, date) and not isinstance(value, datetime):
            document[name] = datetime.combine(value, time())
    return document


def from_document(document: Document) -> Participant:
    values = {name: value for name, value in document.items() if name != "_id"}
    for name in ("date_of_birth", "sentence_start", "expected_release"):
        values[name] = values[name].date()
    values["security_classification"] = SecurityClassification(values["security_classification"])
    values["status"] = ParticipantStatus(values["status"])
    return Participant(id=document["_id"], **values)


async def add_participant(tx: Transaction, participant: Participant) -> None:
    try:
        await tx.db[PARTICIPANTS].insert_one(to_document(participant), session=tx.session)
    except DuplicateKeyError as error:
        field = "nik" if "nik" in str(error) else "registration_number"
        raise DuplicateRegistration(f"A participant with this {field} is already registered.", field=field) from None


async def participant(tx: Transaction, participant_id: str) -> Participant:
    document = await tx.db[PARTICIPANTS].find_one({"_id": participant_id}, session=tx.session)
    if document is None:
        raise ParticipantNotFound(f"No participant {participant_id}.", field="participant_id")
    return from_document(document)


async def save_participant(tx: Transaction, participant: Participant) -> None:
    """Replace the stored participant; the version guards against a lost update."""
    result = await tx.db[PARTICIPANTS].replace_one(
        {"_id": participant.id, "version": participant.version - 1}, to_document(participant), session=tx.session
    )
    if result.matched_count != 1:
        raise StaleParticipant(f"Participant {participant.id} changed meanwhile; retry.")
