"""The reference data's collections: facilities, partner agencies and skill tracks, each by its id."""

from dataclasses import asdict

from pymongo.errors import DuplicateKeyError

from services.enrolment.references.domain import (
    FOUNDING_AGENCIES,
    FOUNDING_FACILITIES,
    FOUNDING_SKILL_TRACKS,
    Facility,
    FacilityKind,
    PartnerAgency,
    SkillTrack,
    registered,
)
from shared.errors import Conflict, NotFound
from shared.storage.database import Document, ServiceDatabase, Transaction

FACILITIES = "facilities"
AGENCIES = "agencies"
SKILL_TRACKS = "skill_tracks"
COLLECTION_OF: dict[type[Facility | PartnerAgency | SkillTrack], str] = {
    Facility: FACILITIES,
    PartnerAgency: AGENCIES,
    SkillTrack: SKILL_TRACKS,
}


class UnknownFacility(NotFound):
    """No facility has this id."""


class UnknownAgency(NotFound):
    """No partner agency has this id."""


class UnknownSkillTrack(NotFound):
    """No skill track has this id."""


class AlreadyKnown(Conflict):
    """A facility, agency or skill track with this id exists."""


async def known(tx: Transaction, party: Facility | PartnerAgency | SkillTrack) -> bool:
    return await tx.document(COLLECTION_OF[type(party)], party.id, projection=["_id"]) is not None


def to_document(party: Facility | PartnerAgency | SkillTrack) -> Document:
    document: Document = asdict(party)
    document["_id"] = document.pop("id")
    return document


def facility_from_document(document: Document) -> Facility:
    return Facility(document["_id"], document["name"], FacilityKind(document["kind"]), document["regency"])


def agency_from_document(document: Document) -> PartnerAgency:
    return PartnerAgency(document["_id"], document["name"], document["short_name"], document["regency"])


def skill_track_from_document(document: Document) -> SkillTrack:
    return SkillTrack(document["_id"], document["name"])


async def add(tx: Transaction, party: Facility | PartnerAgency | SkillTrack) -> None:
    try:
        await tx.db[COLLECTION_OF[type(party)]].insert_one(to_document(party), session=tx.session)
    except DuplicateKeyError:
        raise AlreadyKnown(f"{party.id} is already registered.", field="id") from None


TOLD = "told_to_services"


async def untold(tx: Transaction) -> list[Facility | PartnerAgency]:
    """Facilities and agencies not yet told to the other services."""
    never = {TOLD: {"$ne": True}}
    facilities = await tx.db[FACILITIES].find(never, sort=[("_id", 1)], session=tx.session).to_list()
    agencies = await tx.db[AGENCIES].find(never, sort=[("_id", 1)], session=tx.session).to_list()
    return [facility_from_document(d) for d in facilities] + [agency_from_document(d) for d in agencies]


async def mark_told(tx: Transaction, party: Facility | PartnerAgency) -> None:
    await tx.db[COLLECTION_OF[type(party)]].update_one({"_id": party.id}, {"$set": {TOLD: True}}, session=tx.session)


async def tell(tx: Transaction, party: Facility | PartnerAgency) -> None:
    """Tell the services that show a facility's or an agency's name, once."""
    await tx.publish(registered(party), subject=party.id, sequence=1)
    await mark_told(tx, party)


async def seed_founding_parties(database: ServiceDatabase) -> None:
    """A start-up migration: the memorandum's parties and tracks exist from the first start; every facility and
    agency not yet told to the other services (those stored before these events existed too) is told once; later
    starts change nothing."""
    founding = (*FOUNDING_FACILITIES, *FOUNDING_AGENCIES, *FOUNDING_SKILL_TRACKS)

    async def work(tx: Transaction) -> None:
        for party in founding:
            if not await known(tx, party):
                await add(tx, party)
        for party in await untold(tx):
            await tell(tx, party)

    await database.transaction(work)


async def facilities(database: ServiceDatabase) -> list[Facility]:
    found = database.db[FACILITIES].find({}, sort=[("_id", 1)])
    return [facility_from_document(d) async for d in found]


async def agencies(database: ServiceDatabase) -> list[PartnerAgency]:
    found = database.db[AGENCIES].find({}, sort=[("_id", 1)])
    return [agency_from_document(d) async for d in found]


async def skill_tracks(database: ServiceDatabase) -> list[SkillTrack]:
    found = database.db[SKILL_TRACKS].find({}, sort=[("_id", 1)])
    return [skill_track_from_document(d) async for d in found]


async def ensure_skill_track(tx: Transaction, skill_track: str) -> None:
    if await tx.document(SKILL_TRACKS, skill_track, projection=["_id"]) is None:
        raise UnknownSkillTrack(f"No skill track {skill_track}; see GET /skill-tracks.", field="skill_track")


async def ensure_facility(tx: Transaction, facility_id: str, *, field: str = "facility_id") -> None:
    if await tx.document(FACILITIES, facility_id, projection=["_id"]) is None:
        raise UnknownFacility(f"No facility {facility_id}.", field=field)


async def ensure_agency(tx: Transaction, agency_id: str) -> None:
    if await tx.document(AGENCIES, agency_id, projection=["_id"]) is None:
        raise UnknownAgency(f"No partner agency {agency_id}.", field="agency_id")
