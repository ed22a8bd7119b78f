"""The cohorts collection: each cohort with its capacity, the places taken and the waiting list in one document."""

from dataclasses import asdict

from pymongo import ASCENDING, IndexModel

from services.enrolment.callers import EVERYWHERE, Reach
from services.enrolment.cohorts.domain import Cohort
from shared.errors import NotFound
from shared.storage import pages
from shared.storage.database import POSITION, Document, ServiceDatabase, Transaction
from shared.storage.values import day_or_none, stored_day_or_none

COHORTS = "cohorts"
OPENED_AT = "opened_at"
DAYS = ("starts_on", "ends_on", "started_on", "closed_on")

LISTED = {COHORTS: OPENED_AT}
"""Listed in commit order; records from before positions existed are placed by this field at start."""

INDEXES = {
    COHORTS: [
        IndexModel([("programme_id", ASCENDING)], name="programme"),
        pages.index_in_order("cohorts_by_programme", "programme_id"),
        pages.index_in_order("cohorts_by_agency", "agency_id"),
    ],
}


class CohortNotFound(NotFound):
    """No cohort has this id."""


def to_document(cohort: Cohort) -> Document:
    document: Document = asdict(cohort)
    document["_id"] = document.pop("id")
    for name in DAYS:
        document[name] = stored_day_or_none(document[name])
    return document


def from_document(document: Document) -> Cohort:
    values = {name: value for name, value in document.items() if name not in ("_id", POSITION)}
    for name in DAYS:
        values[name] = day_or_none(values.get(name))
    for name in ("trainer_ids", "approved", "waitlist"):
        values[name] = tuple(values[name])
    return Cohort(id=document["_id"], **values)


def within_reach(cohort: Cohort, reach: Reach) -> bool:
    """Whether a key of `reach` may see the cohort, and so the enrolments in it."""
    return (
        reach.facility_id in (None, cohort.facility_id)
        and reach.agency_id in (None, cohort.agency_id)
        and (reach.trainer_id is None or reach.trainer_id in cohort.trainer_ids)
    )


async def cohort(tx: Transaction, cohort_id: str, *, reach: Reach = EVERYWHERE) -> Cohort:
    """The cohort; one beyond `reach` (another facility's, another agency's, one its trainer does not train)
    is not found."""
    document = await tx.document(COHORTS, cohort_id)
    if document is None or not within_reach(found := from_document(document), reach):
        raise CohortNotFound(f"No cohort {cohort_id}.", field="cohort_id")
    return found


async def facility_of(tx: Transaction, cohort_id: str) -> str | None:
    """The facility a cohort runs at; None when there is no such cohort."""
    document = await tx.document(COHORTS, cohort_id, projection=["facility_id"])
    return None if document is None else str(document["facility_id"])


async def cohorts(tx: Transaction, cohort_ids: list[str]) -> list[Cohort]:
    found = tx.db[COHORTS].find({"_id": {"$in": cohort_ids}}, session=tx.session)
    return [from_document(document) async for document in found]


async def save_cohort(tx: Transaction, cohort: Cohort) -> None:
    await tx.save_versioned(COHORTS, to_document(cohort), listed=True)


async def cohorts_page(
    database: ServiceDatabase,
    *,
    reach: Reach,
    programme_id: str | None,
    facility_id: str | None,
    agency_id: str | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Cohort]:
    """Cohorts within `reach`, in the order they opened; the filters narrow that, never widen it."""
    query = pages.only(programme_id=programme_id, facility_id=facility_id, agency_id=agency_id)
    if limits := pages.only(facility_id=reach.facility_id, agency_id=reach.agency_id, trainer_ids=reach.trainer_id):
        query["$and"] = [limits]
    collection = database.db[COHORTS]
    return await pages.page(collection, query, from_document, after=after, limit=limit)
