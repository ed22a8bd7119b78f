"""The programmes collection: each programme with its eligibility rules."""

from dataclasses import asdict

from pymongo import ASCENDING, IndexModel

from services.enrolment.callers import EVERYWHERE, Reach
from services.enrolment.participants.domain import SecurityClassification
from services.enrolment.programmes.domain import Eligibility, Programme, ProgrammeStatus
from shared.errors import NotFound
from shared.storage import pages
from shared.storage.database import POSITION, Document, ServiceDatabase, Transaction

PROGRAMMES = "programmes"

LISTED = {PROGRAMMES: "created_at"}
"""Listed in commit order; records from before positions existed are placed by this field at start."""

INDEXES = {
    PROGRAMMES: [
        IndexModel([("agency_id", ASCENDING)], name="agency"),
        pages.index_in_order("programmes_by_agency", "agency_id"),
    ],
}


class ProgrammeNotFound(NotFound):
    """No programme has this id."""


def to_document(programme: Programme) -> Document:
    document: Document = asdict(programme)
    document["_id"] = document.pop("id")
    rules = programme.eligibility
    document["eligibility"] = {
        **asdict(rules),
        "allowed_classifications": sorted(rules.allowed_classifications),
        "prerequisite_programme_ids": sorted(rules.prerequisite_programme_ids),
    }
    return document


def from_document(document: Document) -> Programme:
    values = {name: value for name, value in document.items() if name not in ("_id", POSITION)}
    rules = values.pop("eligibility")
    eligibility = Eligibility(
        **{
            **rules,
            "allowed_classifications": frozenset(map(SecurityClassification, rules["allowed_classifications"])),
            "prerequisite_programme_ids": frozenset(rules["prerequisite_programme_ids"]),
        }
    )
    return Programme(
        id=document["_id"],
        **{**values, "competencies": tuple(values["competencies"]), "status": ProgrammeStatus(values["status"])},
        eligibility=eligibility,
    )


def within_reach(programme: Programme, reach: Reach) -> bool:
    """An agency's key sees its own programmes, drafts too; officers' and trainers' keys see published ones."""
    if reach.agency_id is not None:
        return programme.agency_id == reach.agency_id
    return reach == EVERYWHERE or programme.status is ProgrammeStatus.PUBLISHED


def reach_query(reach: Reach) -> Document:
    """`within_reach` as a query."""
    if reach.agency_id is not None:
        return {"agency_id": reach.agency_id}
    return {} if reach == EVERYWHERE else {"status": ProgrammeStatus.PUBLISHED.value}


async def programme(tx: Transaction, programme_id: str, *, reach: Reach = EVERYWHERE) -> Programme:
    """The programme; one beyond `reach` is not found."""
    document = await tx.document(PROGRAMMES, programme_id)
    if document is None or not within_reach(found := from_document(document), reach):
        raise ProgrammeNotFound(f"No programme {programme_id}.", field="programme_id")
    return found


async def save_programme(tx: Transaction, programme: Programme) -> None:
    await tx.save_versioned(PROGRAMMES, to_document(programme), listed=True)


async def programmes_page(
    database: ServiceDatabase,
    *,
    reach: Reach,
    agency_id: str | None,
    status: str | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Programme]:
    """Programmes within `reach`, in the order they were defined; the filters narrow that, never widen it."""
    query = pages.only(agency_id=agency_id, status=status)
    if limits := reach_query(reach):
        query["$and"] = [limits]
    return await pages.page(database.db[PROGRAMMES], query, from_document, after=after, limit=limit)
