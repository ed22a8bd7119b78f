"""Production's read model of programmes: which partner agency each belongs to."""

from pymongo import ASCENDING, IndexModel

from shared.contracts.enrolment import ProgrammePublished, ProgrammeUpdated
from shared.storage.database import Transaction

PROGRAMMES = "programmes"

INDEXES = {PROGRAMMES: [IndexModel([("agency_id", ASCENDING)], name="by_agency")]}


async def save_programme(tx: Transaction, programme: ProgrammePublished | ProgrammeUpdated) -> None:
    """A programme's agency never changes, so a late or repeated event writes the same values again."""
    values = {"agency_id": programme.agency_id}
    await tx.db[PROGRAMMES].update_one(
        {"_id": programme.programme_id}, {"$set": values}, upsert=True, session=tx.session
    )


async def agencies(tx: Transaction, programme_ids: list[str] | None = None) -> dict[str, str]:
    """Programme id -> its agency, for the programmes given (every known one when None)."""
    query = {} if programme_ids is None else {"_id": {"$in": programme_ids}}
    found = tx.db[PROGRAMMES].find(query, session=tx.session)
    return {document["_id"]: document["agency_id"] for document in await found.to_list()}


async def programmes_of(tx: Transaction, agency_id: str) -> list[str]:
    found = tx.db[PROGRAMMES].find({"agency_id": agency_id}, session=tx.session, sort=[("_id", ASCENDING)])
    return [document["_id"] for document in await found.to_list()]
