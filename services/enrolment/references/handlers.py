"""Use cases of the reference data: the founding parties and tracks at start-up, more added by an administrator."""

from services.enrolment.references import domain, store
from services.enrolment.references.domain import Facility, PartnerAgency, SkillTrack
from shared.database import ServiceDatabase


async def seed_founding_parties(database: ServiceDatabase) -> None:
    """The memorandum's parties and tracks exist from the first start; later starts change nothing."""
    await store.add_founding(database)


async def add(database: ServiceDatabase, party: Facility | PartnerAgency | SkillTrack) -> None:
    """Add a facility, partner agency or skill track; its id must be a slug not taken yet."""
    domain.checked_id(party.id, field="id")
    await store.add(database, party)


async def facilities(database: ServiceDatabase) -> list[Facility]:
    return await store.facilities(database)


async def agencies(database: ServiceDatabase) -> list[PartnerAgency]:
    return await store.agencies(database)


async def skill_tracks(database: ServiceDatabase) -> list[SkillTrack]:
    return await store.skill_tracks(database)
