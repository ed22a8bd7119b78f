"""Production's read model of participants: an opaque id, a facility and a custody status each."""

from pymongo import IndexModel

from services.production.participants.domain import CustodyStatus, KnownParticipant
from shared.storage.database import Document, Transaction

PARTICIPANTS = "participants"

INDEXES: dict[str, list[IndexModel]] = {PARTICIPANTS: []}


def from_document(document: Document) -> KnownParticipant:
    return KnownParticipant(
        id=document["_id"],
        facility_id=document["facility_id"],
        status=CustodyStatus(document["status"]),
        sequence=document["sequence"],
    )


async def known_participant(tx: Transaction, participant_id: str) -> KnownParticipant | None:
    document = await tx.document(PARTICIPANTS, participant_id)
    return None if document is None else from_document(document)


async def save_participant(tx: Transaction, participant: KnownParticipant) -> None:
    # Not a versioned save: the event's sequence orders what is learnt, and the domain refuses older ones.
    document = {
        "facility_id": participant.facility_id,
        "status": participant.status.value,
        "sequence": participant.sequence,
    }
    await tx.db[PARTICIPANTS].update_one({"_id": participant.id}, {"$set": document}, upsert=True, session=tx.session)
