"""Production's read model of enrolments and cohorts, learnt from enrolment events."""

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from services.production.crediting import EnrolmentRecord, Fact, FactKind
from services.production.store_values import date_of, day
from shared.database import ConcurrentChange, Document, Transaction
from shared.events.enrolment import CohortOpened, ProgrammePublished, ProgrammeUpdated

ENROLMENTS = "enrolments"
COHORTS = "cohorts"
PROGRAMMES = "programmes"

INDEXES = {
    ENROLMENTS: [IndexModel([("participant_id", ASCENDING), ("programme_id", ASCENDING)], name="by_participant")],
    COHORTS: [],
    PROGRAMMES: [IndexModel([("agency_id", ASCENDING)], name="by_agency")],
}


def to_document(record: EnrolmentRecord, *, version: int) -> Document:
    return {
        "_id": record.id,
        "participant_id": record.participant_id,
        "cohort_id": record.cohort_id,
        "programme_id": record.programme_id,
        "facts": [{"sequence": f.sequence, "kind": f.kind.value, "on": day(f.on)} for f in record.facts],
        "version": version,
    }


def from_document(document: Document) -> EnrolmentRecord:
    facts = tuple(Fact(f["sequence"], FactKind(f["kind"]), date_of(f["on"])) for f in document["facts"])
    return EnrolmentRecord(
        id=document["_id"],
        participant_id=document["participant_id"],
        cohort_id=document["cohort_id"],
        programme_id=document["programme_id"],
        facts=facts,
    )


async def enrolment(tx: Transaction, enrolment_id: str) -> tuple[EnrolmentRecord | None, int]:
    """The record and the version it was read at (0 when there is none yet)."""
    document = await tx.db[ENROLMENTS].find_one({"_id": enrolment_id}, session=tx.session)
    if document is None:
        return None, 0
    return from_document(document), document["version"]


async def save_enrolment(tx: Transaction, record: EnrolmentRecord, *, read_at: int) -> None:
    """Write the record over the version it was read at; a lost race is a ConcurrentChange, retried whole."""
    document = to_document(record, version=read_at + 1)
    if read_at == 0:
        try:
            await tx.db[ENROLMENTS].insert_one(document, session=tx.session)
        except DuplicateKeyError:
            raise ConcurrentChange(f"enrolment {record.id} learnt meanwhile") from None
        return
    result = await tx.db[ENROLMENTS].replace_one({"_id": record.id, "version": read_at}, document, session=tx.session)
    if result.matched_count != 1:
        raise ConcurrentChange(f"enrolment {record.id} learnt meanwhile")


async def enrolments_of(tx: Transaction, participant_id: str) -> list[EnrolmentRecord]:
    found = tx.db[ENROLMENTS].find({"participant_id": participant_id}, session=tx.session, sort=[("_id", ASCENDING)])
    return [from_document(document) for document in await found.to_list()]


async def save_cohort(tx: Transaction, cohort: CohortOpened) -> None:
    """A cohort is opened once; a repeated event writes the same values again."""
    values = {
        "programme_id": cohort.programme_id,
        "agency_id": cohort.agency_id,
        "facility_id": cohort.facility_id,
        "starts_on": day(cohort.starts_on),
        "ends_on": day(cohort.ends_on),
    }
    await tx.db[COHORTS].update_one({"_id": cohort.cohort_id}, {"$set": values}, upsert=True, session=tx.session)


async def cohorts(tx: Transaction, cohort_ids: list[str]) -> dict[str, Document]:
    found = tx.db[COHORTS].find({"_id": {"$in": cohort_ids}}, session=tx.session)
    return {document["_id"]: document for document in await found.to_list()}


async def save_programme(tx: Transaction, programme: ProgrammePublished | ProgrammeUpdated) -> None:
    """A programme's agency never changes, so a late or repeated event writes the same values again."""
    values = {"agency_id": programme.agency_id}
    await tx.db[PROGRAMMES].update_one(
        {"_id": programme.programme_id}, {"$set": values}, upsert=True, session=tx.session
    )


async def agencies(tx: Transaction, programme_ids: list[str] | None = None) -> dict[str, str]:
    """Programme id -> its agency, for the programmes given (every known one when None)."""
    query = {} if programme_ids is None else {"_id": {"$in": programme_ids}}
    found = tx.db[PROGRAMMES].find(query, session=tx.session)
    return {document["_id"]: document["agency_id"] for document in await found.to_list()}


async def programmes_of(tx: Transaction, agency_id: str) -> list[str]:
    found = tx.db[PROGRAMMES].find({"agency_id": agency_id}, session=tx.session, sort=[("_id", ASCENDING)])
    return [document["_id"] for document in await found.to_list()]
