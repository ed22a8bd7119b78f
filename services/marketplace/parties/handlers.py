"""Reactions to facilities and partner agencies joining: listings that name them show their names."""

from services.marketplace.listings import store as listings
from services.marketplace.listings.learning import refresh
from services.marketplace.parties import store
from services.marketplace.programmes import store as programmes
from shared.contracts.enrolment import AgencyRegistered, FacilityRegistered
from shared.messaging.envelope import Envelope
from shared.storage.database import Transaction


async def facility_learnt(tx: Transaction, envelope: Envelope, payload: FacilityRegistered) -> None:
    await store.learn_facility(tx, payload)
    for listing_id in await listings.listings_at(tx, payload.facility_id):
        await refresh(tx, listing_id)


async def agency_learnt(tx: Transaction, envelope: Envelope, payload: AgencyRegistered) -> None:
    await store.learn_agency(tx, payload)
    for programme_id in await programmes.programme_ids_of(tx, payload.agency_id):
        for listing_id in await listings.listings_with(tx, programme_id=programme_id):
            await refresh(tx, listing_id)
