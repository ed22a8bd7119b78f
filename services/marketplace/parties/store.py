"""The marketplace's read model of the programme's parties: facilities' and partner agencies' names, learnt from
enrolment's events, so that listings show them."""

from services.marketplace.parties.domain import Names
from shared.contracts.enrolment import AgencyRegistered, FacilityRegistered
from shared.storage.awaited import await_facts
from shared.storage.database import Transaction

FACILITIES = "facilities"
AGENCIES = "agencies"


async def learn_facility(tx: Transaction, facility: FacilityRegistered) -> None:
    await tx.db[FACILITIES].update_one(
        {"_id": facility.facility_id}, {"$set": {"name": facility.name}}, upsert=True, session=tx.session
    )


async def learn_agency(tx: Transaction, agency: AgencyRegistered) -> None:
    values = {"name": agency.name, "short_name": agency.short_name}
    await tx.db[AGENCIES].update_one({"_id": agency.agency_id}, {"$set": values}, upsert=True, session=tx.session)


async def names(tx: Transaction, facility_ids: list[str], agency_ids: list[str]) -> Names:
    """The names learnt of those given; the others are awaited (see `shared.storage.awaited`)."""
    return Names(await _names(tx, FACILITIES, facility_ids), await _names(tx, AGENCIES, agency_ids))


async def _names(tx: Transaction, collection: str, ids: list[str]) -> dict[str, str]:
    found = await tx.db[collection].find({"_id": {"$in": ids}}, session=tx.session).to_list()
    known = {document["_id"]: document["name"] for document in found if "name" in document}
    await await_facts(tx, collection, sorted(set(ids) - set(known)))
    return known
