"""The reference data's collections: facilities, partner agencies and skill tracks, each by its id."""

from dataclasses import asdict
from typing import Any

from pymongo.errors import DuplicateKeyError

from services.enrolment.references import domain
from services.enrolment.references.domain import Facility, FacilityKind, PartnerAgency, SkillTrack
from shared.database import ServiceDatabase, Transaction
from shared.errors import Conflict, NotFound

FACILITIES = "facilities"
AGENCIES = "agencies"
SKILL_TRACKS = "skill_tracks"
COLLECTION_OF: dict[type[Facility | PartnerAgency | SkillTrack], str] = {
    Facility: FACILITIES,
    PartnerAgency: AGENCIES,
    SkillTrack: SKILL_TRACKS,
}
FOUNDING: tuple[tuple[str, tuple[Facility | PartnerAgency | SkillTrack, ...]], ...] = (
    (FACILITIES, domain.FOUNDING_FACILITIES),
    (AGENCIES, domain.FOUNDING_AGENCIES),
    (SKILL_TRACKS, domain.FOUNDING_SKILL_TRACKS),
)


class UnknownFacility(NotFound):
    """No facility has this id."""


class UnknownAgency(NotFound):
    """No partner agency has this id."""


class UnknownSkillTrack(NotFound):
    """No skill track has this id."""


class AlreadyKnown(Conflict):
    """A facility, agency or skill track with this id exists."""


async def add_founding(database: ServiceDatabase) -> None:
    """Insert each founding party and track that is not there yet; existing ones are left as they are."""
    for collection, parties in FOUNDING:
        for party in parties:
            document = asdict(party)
            await database.db[collection].update_one(
                {"_id": document.pop("id")}, {"$setOnInsert": document}, upsert=True
            )


async def add(database: ServiceDatabase, party: Facility | PartnerAgency | SkillTrack) -> None:
    document: dict[str, Any] = asdict(party)
    document["_id"] = document.pop("id")
    try:
        await database.db[COLLECTION_OF[type(party)]].insert_one(document)
    except DuplicateKeyError:
        raise AlreadyKnown(f"{party.id} is already registered.", field="id") from None


async def facilities(database: ServiceDatabase) -> list[Facility]:
    found = database.db[FACILITIES].find({}, sort=[("_id", 1)])
    return [Facility(d["_id"], d["name"], FacilityKind(d["kind"]), d["regency"]) async for d in found]


async def agencies(database: ServiceDatabase) -> list[PartnerAgency]:
    found = database.db[AGENCIES].find({}, sort=[("_id", 1)])
    return [PartnerAgency(d["_id"], d["name"], d["short_name"], d["regency"]) async for d in found]


async def skill_tracks(database: ServiceDatabase) -> list[SkillTrack]:
    found = database.db[SKILL_TRACKS].find({}, sort=[("_id", 1)])
    return [SkillTrack(d["_id"], d["name"]) async for d in found]


async def ensure_skill_track(tx: Transaction, skill_track: str) -> None:
    if await tx.db[SKILL_TRACKS].find_one({"_id": skill_track}, session=tx.session) is None:
        raise UnknownSkillTrack(f"No skill track {skill_track}; see GET /skill-tracks.", field="skill_track")


async def ensure_facility(tx: Transaction, facility_id: str, *, field: str = "facility_id") -> None:
    if await tx.db[FACILITIES].find_one({"_id": facility_id}, session=tx.session) is None:
        raise UnknownFacility(f"No facility {facility_id}.", field=field)


async def ensure_agency(tx: Transaction, agency_id: str) -> None:
    if await tx.db[AGENCIES].find_one({"_id": agency_id}, session=tx.session) is None:
        raise UnknownAgency(f"No partner agency {agency_id}.", field="agency_id")
