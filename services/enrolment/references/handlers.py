"""Use cases of the reference data: an administrator adds facilities, agencies and skill tracks; anyone lists them."""

from services.enrolment.references import domain, store
from services.enrolment.references.domain import Facility, PartnerAgency, SkillTrack
from shared.storage.database import ServiceDatabase, Transaction


async def add_reference(database: ServiceDatabase, party: Facility | PartnerAgency | SkillTrack) -> None:
    """Add a facility, partner agency or skill track; its id must be a slug not taken yet."""
    domain.checked_id(party.id, field="id")
    await database.transaction(lambda tx: _added(tx, party))


async def _added(tx: Transaction, party: Facility | PartnerAgency | SkillTrack) -> None:
    await store.add(tx, party)
    if not isinstance(party, SkillTrack):
        await store.tell(tx, party)


async def facilities(database: ServiceDatabase) -> list[Facility]:
    return await store.facilities(database)


async def agencies(database: ServiceDatabase) -> list[PartnerAgency]:
    return await store.agencies(database)


async def skill_tracks(database: ServiceDatabase) -> list[SkillTrack]:
    return await store.skill_tracks(database)
