"""Use cases of the reference data: the founding parties and tracks at start-up, more added by an administrator."""

from services.enrolment.references import domain, store
from services.enrolment.references.domain import Facility, PartnerAgency, SkillTrack
from shared.storage.database import ServiceDatabase, Transaction


async def seed_founding_parties(database: ServiceDatabase) -> None:
    """The memorandum's parties and tracks exist from the first start; every facility and agency not yet told
    to the other services (those stored before these events existed too) is told once; later starts change
    nothing."""
    founding = (*domain.FOUNDING_FACILITIES, *domain.FOUNDING_AGENCIES, *domain.FOUNDING_SKILL_TRACKS)

    async def work(tx: Transaction) -> None:
        for party in founding:
            if not await store.known(tx, party):
                await store.add(tx, party)
        for party in await store.untold(tx):
            await _tell(tx, party)

    await database.transaction(work)


async def add_reference(database: ServiceDatabase, party: Facility | PartnerAgency | SkillTrack) -> None:
    """Add a facility, partner agency or skill track; its id must be a slug not taken yet."""
    domain.checked_id(party.id, field="id")
    await database.transaction(lambda tx: _added(tx, party))


async def _added(tx: Transaction, party: Facility | PartnerAgency | SkillTrack) -> None:
    await store.add(tx, party)
    if not isinstance(party, SkillTrack):
        await _tell(tx, party)


async def _tell(tx: Transaction, party: Facility | PartnerAgency) -> None:
    """Tell the services that show a facility's or an agency's name, once."""
    await tx.publish(domain.registered(party), subject=party.id, sequence=1)
    await store.mark_told(tx, party)


async def facilities(database: ServiceDatabase) -> list[Facility]:
    return await store.facilities(database)


async def agencies(database: ServiceDatabase) -> list[PartnerAgency]:
    return await store.agencies(database)


async def skill_tracks(database: ServiceDatabase) -> list[SkillTrack]:
    return await store.skill_tracks(database)
