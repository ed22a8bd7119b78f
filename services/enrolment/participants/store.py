"""The participants collection: each participant with their personal data, which never leaves this service."""

import re
from dataclasses import asdict, fields
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from services.enrolment.participants.domain import (
    DuplicateRegistration,
    Participant,
    ParticipantStatus,
    Releases,
    SecurityClassification,
)
from shared.errors import NotFound
from shared.storage import pages
from shared.storage.database import POSITION, Document, ServiceDatabase, Transaction
from shared.storage.values import day_or_none, stored_day_or_none

PARTICIPANTS = "participants"
REGISTERED_AT = "registered_at"
DAYS = ("date_of_birth", "sentence_start", "expected_release", "behaviour_assessed_on")

LISTED = {PARTICIPANTS: REGISTERED_AT}
"""Listed in commit order; records from before positions existed are placed by this field at start."""

INDEXES = {
    PARTICIPANTS: [
        IndexModel(
            [("facility_id", ASCENDING), ("registration_number", ASCENDING)],
            name="registration_number_per_facility",
            unique=True,
        ),
        IndexModel([("nik", ASCENDING)], name="nik", unique=True),
        pages.index_in_order("participants_by_facility", "facility_id", "status"),
        pages.index_in_order("participants_in_order"),
    ],
}


class ParticipantNotFound(NotFound):
    """No participant has this id."""


def to_document(participant: Participant) -> Document:
    document: dict[str, Any] = asdict(participant)
    document["_id"] = document.pop("id")
    for name in DAYS:
        document[name] = stored_day_or_none(document[name])
    return document


PARTICIPANT_FIELDS = [field.name for field in fields(Participant) if field.name != "id"]


def from_document(document: Document) -> Participant:
    values: dict[str, Any] = {name: document.get(name) for name in PARTICIPANT_FIELDS}
    for name in DAYS:
        values[name] = day_or_none(values.get(name))
    values["security_classification"] = SecurityClassification(values["security_classification"])
    values["status"] = ParticipantStatus(values["status"])
    return Participant(id=document["_id"], **values)


async def add_participant(tx: Transaction, participant: Participant) -> None:
    # a plain insert, not a versioned save: which unique index refused it names the field that is taken
    try:
        [position] = await tx.take_positions(PARTICIPANTS)
        document = {**to_document(participant), POSITION: position}
        await tx.db[PARTICIPANTS].insert_one(document, session=tx.session)
    except DuplicateKeyError as error:
        field = "nik" if "nik" in str(error) else "registration_number"
        raise DuplicateRegistration(f"A participant with this {field} is already registered.", field=field) from None


async def participant(tx: Transaction, participant_id: str, *, facility: str | None = None) -> Participant:
    """The participant; one held at another facility than `facility` (when given) is not found."""
    query = {"_id": participant_id} | ({"facility_id": facility} if facility else {})
    document = await tx.document(PARTICIPANTS, query)
    if document is None:
        raise ParticipantNotFound(f"No participant {participant_id}.", field="participant_id")
    return from_document(document)


async def claim_placement(tx: Transaction, participant_id: str) -> None:
    """Write to the participant with every request or promotion, so that two transactions placing one
    participant at once conflict and one retries, seeing the other's place: no schedule clash slips through."""
    await tx.db[PARTICIPANTS].update_one({"_id": participant_id}, {"$inc": {"placements": 1}}, session=tx.session)


async def save_participant(tx: Transaction, participant: Participant) -> None:
    await tx.save_versioned(PARTICIPANTS, to_document(participant))


async def participants_page(
    database: ServiceDatabase,
    *,
    facility: str | None,
    status: str | None,
    search: str | None,
    releases: Releases,
    after: str | None,
    limit: int,
) -> pages.Listing[Participant]:
    """Participants in registration order; `search` is a name prefix, a registration number or a NIK;
    `releases` a window of expected release days."""
    query = pages.only(facility_id=facility, status=status)
    if search:
        name_starts = {"$regex": f"^{re.escape(search)}", "$options": "i"}
        query["$or"] = [{"full_name": name_starts}, {"registration_number": search}, {"nik": search}]
    window = pages.only(**{"$gte": stored_day_or_none(releases.first), "$lte": stored_day_or_none(releases.last)})
    if window:
        query["expected_release"] = window
    collection = database.db[PARTICIPANTS]
    return await pages.page(collection, query, from_document, after=after, limit=limit)
