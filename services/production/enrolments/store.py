"""Production's read model of enrolments, and of the cohorts that place them at a facility."""

from pymongo import ASCENDING, IndexModel

from services.production.enrolments.domain import EnrolmentRecord, Fact, FactKind
from shared.contracts.enrolment import CohortOpened
from shared.storage.database import Document, Transaction
from shared.storage.values import day_of, stored_day

ENROLMENTS = "enrolments"
COHORTS = "cohorts"

INDEXES = {
    ENROLMENTS: [IndexModel([("participant_id", ASCENDING), ("programme_id", ASCENDING)], name="by_participant")],
    COHORTS: [],
}


def to_document(record: EnrolmentRecord, *, version: int) -> Document:
    return {
        "_id": record.id,
        "participant_id": record.participant_id,
        "cohort_id": record.cohort_id,
        "programme_id": record.programme_id,
        "facts": [{"sequence": f.sequence, "kind": f.kind.value, "on": stored_day(f.on)} for f in record.facts],
        "version": version,
    }


def from_document(document: Document) -> EnrolmentRecord:
    facts = tuple(Fact(f["sequence"], FactKind(f["kind"]), day_of(f["on"])) for f in document["facts"])
    return EnrolmentRecord(
        id=document["_id"],
        participant_id=document["participant_id"],
        cohort_id=document["cohort_id"],
        programme_id=document["programme_id"],
        facts=facts,
    )


async def enrolment(tx: Transaction, enrolment_id: str) -> tuple[EnrolmentRecord | None, int]:
    """The record and the version it was read at (0 when there is none yet)."""
    document = await tx.document(ENROLMENTS, enrolment_id)
    if document is None:
        return None, 0
    return from_document(document), document["version"]


async def save_enrolment(tx: Transaction, record: EnrolmentRecord, *, read_at: int) -> None:
    """Write the record over the version it was read at; a lost race is retried whole."""
    await tx.save_versioned(ENROLMENTS, to_document(record, version=read_at + 1))


async def enrolments_of(tx: Transaction, participant_id: str) -> list[EnrolmentRecord]:
    found = tx.db[ENROLMENTS].find({"participant_id": participant_id}, session=tx.session, sort=[("_id", ASCENDING)])
    return [from_document(document) for document in await found.to_list()]


async def save_cohort(tx: Transaction, cohort: CohortOpened) -> None:
    """A cohort is opened once; a repeated event writes the same values again."""
    values = {
        "programme_id": cohort.programme_id,
        "agency_id": cohort.agency_id,
        "facility_id": cohort.facility_id,
        "starts_on": stored_day(cohort.starts_on),
        "ends_on": stored_day(cohort.ends_on),
    }
    await tx.db[COHORTS].update_one({"_id": cohort.cohort_id}, {"$set": values}, upsert=True, session=tx.session)


async def cohort_facilities(tx: Transaction, cohort_ids: list[str]) -> dict[str, str]:
    """Cohort id -> its facility, for the cohorts given whose opening production has learnt."""
    found = tx.db[COHORTS].find({"_id": {"$in": cohort_ids}}, session=tx.session)
    return {document["_id"]: document["facility_id"] for document in await found.to_list()}
