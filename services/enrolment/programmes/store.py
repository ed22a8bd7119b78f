"""The programmes collection: each programme with its eligibility rules."""

from dataclasses import asdict

from pymongo import ASCENDING, IndexModel

from services.enrolment.participants.domain import SecurityClassification
from services.enrolment.programmes.domain import Eligibility, Programme, ProgrammeStatus
from shared import pages
from shared.database import POSITION, Document, ServiceDatabase, Transaction
from shared.errors import NotFound

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


def programme_document(programme: Programme) -> Document:
    document: Document = asdict(programme)
    document["_id"] = document.pop("id")
    rules = programme.eligibility
    document["eligibility"] = {
        **asdict(rules),
        "allowed_classifications": sorted(rules.allowed_classifications),
        "prerequisite_programme_ids": sorted(rules.prerequisite_programme_ids),
    }
    return document


def programme_from(document: Document) -> Programme:
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


async def programme(tx: Transaction, programme_id: str) -> Programme:
    document = await tx.db[PROGRAMMES].find_one({"_id": programme_id}, session=tx.session)
    if document is None:
        raise ProgrammeNotFound(f"No programme {programme_id}.", field="programme_id")
    return programme_from(document)


async def save_programme(tx: Transaction, programme: Programme) -> None:
    await tx.save_versioned(PROGRAMMES, programme_document(programme), listed=True)


async def programmes_page(
    database: ServiceDatabase, *, agency_id: str | None, status: str | None, after: str | None, limit: int
) -> pages.Listing[Programme]:
    query = pages.only(agency_id=agency_id, status=status)
    return await pages.page(database.db[PROGRAMMES], query, programme_from, after=after, limit=limit)
