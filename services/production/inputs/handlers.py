"""Use cases for inputs received from partner agencies."""

from datetime import date
from decimal import Decimal

from services.production.inputs import domain, store
from services.production.inputs.domain import Input, InputKind
from services.production.quantities.domain import Unit
from services.production.sites import store as sites
from services.production.sites.domain import OutsideFacility
from shared.storage import pages
from shared.storage.database import ServiceDatabase, Transaction


async def receive_input(
    database: ServiceDatabase,
    *,
    reach: str | None,
    site_id: str | None,
    agency_id: str,
    kind: InputKind,
    item: str,
    quantity: Decimal,
    unit: Unit | str,
    received_on: date,
) -> Input:
    if site_id is None and reach is not None:
        raise OutsideFacility("A facility officer records an input to a site of their facility.", field="site_id")

    async def work(tx: Transaction) -> Input:
        site = await sites.site(tx, site_id, reach=reach) if site_id is not None else None
        received, event = domain.receive_input(
            site=site, agency_id=agency_id, kind=kind, item=item, amount=quantity, unit=unit, received_on=received_on
        )
        await store.save_input(tx, received)
        await tx.publish(event, subject=received.id, sequence=received.version)
        return received

    return await database.transaction(work)


async def inputs_page(
    database: ServiceDatabase,
    *,
    reach: str | None,
    agency_id: str | None,
    site_id: str | None,
    kind: InputKind | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Input]:
    return await store.inputs_page(
        database, reach=reach, agency_id=agency_id, site_id=site_id, kind=kind, after=after, limit=limit
    )
