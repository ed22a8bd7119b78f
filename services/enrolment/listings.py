"""Listings of the enrolment service's records, filtered, in creation order, a page at a time."""

import re
from collections.abc import Callable
from typing import Any, TypeVar

from services.enrolment.callers import Reach
from services.enrolment.cohorts.domain import Cohort
from services.enrolment.enrolments import store as enrolments_store
from services.enrolment.enrolments.domain import Enrolment
from services.enrolment.participants import store
from services.enrolment.participants.domain import Participant
from services.enrolment.programmes.domain import Programme
from shared import pages
from shared.database import Document, ServiceDatabase

Record = TypeVar("Record")
Listing = tuple[list[Record], str | None]

INDEXES = {
    store.PARTICIPANTS: [
        pages.index_in_order("participants_by_facility", "facility_id", "status", made="registered_at"),
        pages.index_in_order("participants_in_order", made="registered_at"),
    ],
    store.PROGRAMMES: [pages.index_in_order("programmes_by_agency", "agency_id")],
    store.COHORTS: [
        pages.index_in_order("cohorts_by_programme", "programme_id", made="opened_at"),
        pages.index_in_order("cohorts_by_agency", "agency_id", made="opened_at"),
    ],
    enrolments_store.ENROLMENTS: [
        pages.index_in_order("enrolments_by_cohort", "cohort_id"),
        pages.index_in_order("enrolments_by_participant", "participant_id"),
        pages.index_in_order("enrolments_by_facility", "facility_id", "state"),
    ],
}


def only(**filters: Any) -> dict[str, Any]:
    """Equality filters, leaving out the ones not given."""
    return {name: value for name, value in filters.items() if value is not None}


async def listing(
    database: ServiceDatabase,
    collection: str,
    query: dict[str, Any],
    convert: Callable[[Document], Record],
    *,
    after: str | None,
    limit: int,
    made: str = pages.CREATED_AT,
) -> Listing[Record]:
    return await pages.page(database.db[collection], query, convert, after=after, limit=limit, made=made)


async def participants(
    database: ServiceDatabase,
    *,
    facility: str | None,
    status: str | None,
    search: str | None,
    after: str | None,
    limit: int,
) -> Listing[Participant]:
    """Participants in registration order; `search` is a name prefix, a registration number or a NIK."""
    query = only(facility_id=facility, status=status)
    if search:
        name_starts = {"$regex": f"^{re.escape(search)}", "$options": "i"}
        query["$or"] = [{"full_name": name_starts}, {"registration_number": search}, {"nik": search}]
    return await listing(
        database, store.PARTICIPANTS, query, store.from_document, after=after, limit=limit, made="registered_at"
    )


async def programmes(
    database: ServiceDatabase, *, agency_id: str | None, status: str | None, after: str | None, limit: int
) -> Listing[Programme]:
    query = only(agency_id=agency_id, status=status)
    return await listing(database, store.PROGRAMMES, query, store.programme_from, after=after, limit=limit)


async def cohorts(
    database: ServiceDatabase,
    *,
    programme_id: str | None,
    facility_id: str | None,
    agency_id: str | None,
    after: str | None,
    limit: int,
) -> Listing[Cohort]:
    query = only(programme_id=programme_id, facility_id=facility_id, agency_id=agency_id)
    return await listing(database, store.COHORTS, query, store.cohort_from, after=after, limit=limit, made="opened_at")


async def enrolments(
    database: ServiceDatabase,
    *,
    reach: Reach,
    cohort_id: str | None,
    participant_id: str | None,
    state: str | None,
    after: str | None,
    limit: int,
) -> Listing[Enrolment]:
    query = only(cohort_id=cohort_id, participant_id=participant_id, state=state)
    if limits := await enrolments_store.within(database.db, reach):
        query["$and"] = [limits]
    return await listing(
        database, enrolments_store.ENROLMENTS, query, enrolments_store.enrolment_from, after=after, limit=limit
    )
