"""Programme use cases: define, publish, revise; read one and list them."""

from typing import Any

from services.enrolment.callers import Reach
from services.enrolment.programmes import domain, store
from services.enrolment.programmes.domain import Programme
from services.enrolment.references import store as reference_store
from shared.errors import Forbidden
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


class OtherAgencysProgramme(Forbidden):
    """A partner agency's key defines and changes its own programmes only."""


def ensure_own(agency_id: str, agency: str | None) -> None:
    if agency is not None and agency_id != agency:
        raise OtherAgencysProgramme(f"The key is for agency {agency}.", field="agency_id")


async def define_programme(database: ServiceDatabase, *, agency: str | None, **definition: Any) -> Programme:
    """A draft programme; an agency's key defines its own agency's programmes only."""
    ensure_own(definition["agency_id"], agency)
    programme = domain.define_programme(**definition)

    async def work(tx: Transaction) -> None:
        await reference_store.ensure_agency(tx, programme.agency_id)
        await reference_store.ensure_skill_track(tx, programme.skill_track)
        await store.save_programme(tx, programme)

    await database.transaction(work)
    return programme


async def publish_programme(database: ServiceDatabase, programme_id: str, *, agency: str | None) -> Programme:
    async def work(tx: Transaction) -> Programme:
        current = await store.programme(tx, programme_id)
        ensure_own(current.agency_id, agency)
        published, event = domain.publish(current)
        await store.save_programme(tx, published)
        await tx.publish(event, subject=published.id, sequence=published.version)
        return published

    return await database.transaction(work)


async def revise_programme(
    database: ServiceDatabase, programme_id: str, *, agency: str | None, **changes: Any
) -> Programme:
    """Change a programme; once published, the change is announced."""

    async def work(tx: Transaction) -> Programme:
        current = await store.programme(tx, programme_id)
        ensure_own(current.agency_id, agency)
        revised, event = domain.revise(current, **changes)
        if revised.skill_track != current.skill_track:
            await reference_store.ensure_skill_track(tx, revised.skill_track)
        await store.save_programme(tx, revised)
        if event is not None:
            await tx.publish(event, subject=revised.id, sequence=revised.version)
        return revised

    return await database.transaction(work)


async def programme(database: ServiceDatabase, programme_id: str, *, reach: Reach) -> Programme:
    return await database.read(lambda tx: store.programme(tx, programme_id, reach=reach))


async def programmes_page(
    database: ServiceDatabase,
    *,
    reach: Reach,
    agency_id: str | None,
    status: str | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Programme]:
    return await store.programmes_page(
        database, reach=reach, agency_id=agency_id, status=status, after=after, limit=limit
    )
