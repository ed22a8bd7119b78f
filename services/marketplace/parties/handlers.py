"""Reactions to facilities and partner agencies joining: the read model keeps their names, and the listings that
name them show them, refreshed by the functions the reactions table gives (`refresh`), so that this read model,
which listings read, never imports them."""

from collections.abc import Awaitable, Callable

from services.marketplace.parties import store
from shared.contracts.enrolment import AgencyRegistered, FacilityRegistered
from shared.messaging.envelope import Envelope
from shared.storage.database import Transaction

RefreshListings = Callable[[Transaction, str], Awaitable[None]]
"""Refresh the listings that name a facility, or an agency."""


async def learn_facility(
    tx: Transaction, envelope: Envelope, payload: FacilityRegistered, *, refresh: RefreshListings
) -> None:
    await store.learn_facility(tx, payload)
    await refresh(tx, payload.facility_id)


async def learn_agency(
    tx: Transaction, envelope: Envelope, payload: AgencyRegistered, *, refresh: RefreshListings
) -> None:
    await store.learn_agency(tx, payload)
    await refresh(tx, payload.agency_id)
