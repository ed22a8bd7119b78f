"""The production service's documents: its read model of participants, and every collection's indexes."""

from pymongo import IndexModel

from services.production import store_cycles, store_enrolments, store_harvests, store_inputs, store_lots, store_sites
from services.production.domain import CustodyStatus, KnownParticipant
from shared.database import Transaction

PARTICIPANTS = "participants"

INDEXES: dict[str, list[IndexModel]] = {
    **store_sites.INDEXES,
    **store_inputs.INDEXES,
    **store_cycles.INDEXES,
    **store_enrolments.INDEXES,
    **store_harvests.INDEXES,
    **store_lots.INDEXES,
}


async def known_participant(tx: Transaction, participant_id: str) -> KnownParticipant | None:
    document = await tx.db[PARTICIPANTS].find_one({"_id": participant_id}, session=tx.session)
    if document is None:
        return None
    return KnownParticipant(
        id=document["_id"],
        facility_id=document["facility_id"],
        status=CustodyStatus(document["status"]),
        sequence=document["sequence"],
    )


async def save_participant(tx: Transaction, participant: KnownParticipant) -> None:
    document = {
        "facility_id": participant.facility_id,
        "status": participant.status.value,
        "sequence": participant.sequence,
    }
    await tx.db[PARTICIPANTS].update_one({"_id": participant.id}, {"$set": document}, upsert=True, session=tx.session)
