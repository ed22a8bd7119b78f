"""The enrolments collection: each enrolment with its history, and the questions screening asks of them."""

from dataclasses import asdict
from functools import partial

from pymongo import ASCENDING, IndexModel

from services.enrolment.callers import EVERYWHERE, Reach
from services.enrolment.cohorts import store as cohort_store
from services.enrolment.cohorts.store import COHORTS
from services.enrolment.enrolments.domain import (
    Background,
    Enrolment,
    EnrolmentState,
    FailedRule,
    Override,
    Rule,
    Transition,
)
from services.enrolment.programmes.store import PROGRAMMES
from shared.errors import NotFound
from shared.storage import pages
from shared.storage.database import Document, ServiceDatabase, Transaction

ENROLMENTS = "enrolments"
HOLDING_STATES = ["approved", "active", "suspended"]
LIVE_STATES = ["approved", "waitlisted", "active", "suspended"]

LISTED = {ENROLMENTS: "created_at"}
"""Listed in commit order; records from before positions existed are placed by this field at start."""

INDEXES = {
    ENROLMENTS: [
        IndexModel([("participant_id", ASCENDING), ("state", ASCENDING)], name="participant_state"),
        IndexModel([("cohort_id", ASCENDING), ("state", ASCENDING)], name="cohort_state"),
        pages.index_in_order("enrolments_by_cohort", "cohort_id"),
        pages.index_in_order("enrolments_by_participant", "participant_id"),
        pages.index_in_order("enrolments_by_facility", "facility_id", "state"),
    ],
}


class EnrolmentNotFound(NotFound):
    """No enrolment has this id."""


def to_document(enrolment: Enrolment) -> Document:
    document: Document = asdict(enrolment)
    document["_id"] = document.pop("id")
    document["created_at"] = enrolment.history[0].at
    return document


def from_document(document: Document) -> Enrolment:
    return Enrolment(
        id=document["_id"],
        participant_id=document["participant_id"],
        cohort_id=document["cohort_id"],
        programme_id=document["programme_id"],
        facility_id=document["facility_id"],
        state=EnrolmentState(document["state"]),
        failed_rules=tuple(FailedRule(Rule(item["rule"]), item["detail"]) for item in document["failed_rules"]),
        overrides=tuple(Override(Rule(item["rule"]), item["reason"]) for item in document["overrides"]),
        history=tuple(
            Transition(EnrolmentState(item["state"]), item["at"], item["by"], item["reason"])
            for item in document["history"]
        ),
        version=document["version"],
    )


async def enrolment(tx: Transaction, enrolment_id: str, *, reach: Reach = EVERYWHERE) -> Enrolment:
    """The enrolment; one in a cohort beyond `reach` is not found."""
    document = await tx.document(ENROLMENTS, enrolment_id)
    if document is None or (
        reach != EVERYWHERE
        and not cohort_store.within_reach(await cohort_store.cohort(tx, document["cohort_id"]), reach)
    ):
        raise EnrolmentNotFound(f"No enrolment {enrolment_id}.", field="enrolment_id")
    return from_document(document)


async def save_enrolment(tx: Transaction, enrolment: Enrolment) -> None:
    await tx.save_versioned(ENROLMENTS, to_document(enrolment), listed=True)


async def background(tx: Transaction, participant_id: str) -> Background:
    """The programmes a participant completed and the cohorts where they hold a place."""
    enrolments = tx.db[ENROLMENTS]
    completed = await enrolments.distinct(
        "programme_id", {"participant_id": participant_id, "state": "completed"}, session=tx.session
    )
    holding = await enrolments.distinct(
        "cohort_id", {"participant_id": participant_id, "state": {"$in": HOLDING_STATES}}, session=tx.session
    )
    return Background(frozenset(completed), tuple(await cohort_store.cohorts(tx, holding)))


async def live_enrolment_exists(tx: Transaction, participant_id: str, cohort_id: str) -> bool:
    query = {"participant_id": participant_id, "cohort_id": cohort_id, "state": {"$in": LIVE_STATES}}
    return await tx.document(ENROLMENTS, query, projection=["_id"]) is not None


async def live_enrolments(tx: Transaction, participant_id: str) -> list[Enrolment]:
    query = {"participant_id": participant_id, "state": {"$in": LIVE_STATES}}
    return [from_document(document) async for document in tx.db[ENROLMENTS].find(query, session=tx.session)]


async def enrolments_of(tx: Transaction, participant_id: str) -> list[Enrolment]:
    found = tx.db[ENROLMENTS].find({"participant_id": participant_id}, sort=[("created_at", 1)], session=tx.session)
    return [from_document(document) async for document in found]


async def live_enrolments_in(tx: Transaction, cohort_id: str) -> list[Enrolment]:
    query = {"cohort_id": cohort_id, "state": {"$in": LIVE_STATES}}
    return [from_document(document) async for document in tx.db[ENROLMENTS].find(query, session=tx.session)]


async def fill_enrolment_facilities(database: ServiceDatabase) -> None:
    """Enrolments stored before they carried their cohort's facility get it; later starts change nothing."""
    enrolments = database.db[ENROLMENTS]
    for cohort_id in await enrolments.distinct("cohort_id", {"facility_id": {"$exists": False}}):
        facility_id = await database.read(partial(cohort_store.facility_of, cohort_id=cohort_id))
        if facility_id is not None:
            await enrolments.update_many(
                {"cohort_id": cohort_id, "facility_id": {"$exists": False}}, {"$set": {"facility_id": facility_id}}
            )


async def within(database: ServiceDatabase, reach: Reach) -> Document:
    """The query that keeps a listing to the enrolments `reach` allows."""
    query: Document = {}
    if reach.facility_id is not None:
        query["facility_id"] = reach.facility_id
    if reach.agency_id is not None:
        query["programme_id"] = {"$in": await database.db[PROGRAMMES].distinct("_id", {"agency_id": reach.agency_id})}
    if reach.trainer_id is not None:
        query["cohort_id"] = {"$in": await database.db[COHORTS].distinct("_id", {"trainer_ids": reach.trainer_id})}
    return query


async def enrolments_page(
    database: ServiceDatabase,
    *,
    reach: Reach,
    cohort_id: str | None,
    participant_id: str | None,
    state: str | None,
    after: str | None,
    limit: int,
) -> pages.Listing[Enrolment]:
    """Enrolments within `reach`, in request order."""
    query = pages.only(cohort_id=cohort_id, participant_id=participant_id, state=state)
    if limits := await within(database, reach):
        query["$and"] = [limits]
    return await pages.page(database.db[ENROLMENTS], query, from_document, after=after, limit=limit)
