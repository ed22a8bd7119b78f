"""The marketplace's read model of production sites: the facility each belongs to."""

from shared.contracts.production import SiteRegistered
from shared.storage.awaited import await_facts
from shared.storage.database import Transaction

SITES = "sites"


async def learn(tx: Transaction, site: SiteRegistered) -> None:
    """A site's facility never changes, so a repeated event writes the same values again."""
    values = {"facility_id": site.facility_id, "name": site.name}
    await tx.db[SITES].update_one({"_id": site.site_id}, {"$set": values}, upsert=True, session=tx.session)


async def facility_of(tx: Transaction, site_id: str) -> str | None:
    """The site's facility; None while its registration is not learnt, when a placeholder is written so that
    this transaction conflicts with (and is retried after) one learning the site meanwhile."""
    found = await tx.document(SITES, site_id)
    if found is None or "facility_id" not in found:
        await await_facts(tx, SITES, [site_id])
        return None
    return str(found["facility_id"])
