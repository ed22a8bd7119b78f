"""Documents of training in progress: attendance marks (with every correction kept) and assessments."""

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, IndexModel

from services.enrolment.training.domain import Absence, Mark
from shared.storage.database import Document, Transaction
from shared.storage.values import day_of, stored_day

ATTENDANCE = "attendance"
ASSESSMENTS = "assessments"

INDEXES = {
    ATTENDANCE: [IndexModel([("enrolment_id", ASCENDING), ("session", ASCENDING)], name="enrolment_session")],
    ASSESSMENTS: [IndexModel([("enrolment_id", ASCENDING), ("assessed_at", ASCENDING)], name="enrolment_time")],
}


def to_document(mark: Mark) -> Document:
    """A mark's fields, as the session's attendance document holds them (and each of its `changes`)."""
    return {
        "session": mark.session,
        "held_on": stored_day(mark.held_on),
        "attended": mark.attended,
        "absence": mark.absence.value if mark.absence else None,
        "recorded_by": mark.recorded_by,
        "recorded_at": mark.recorded_at,
    }


def from_document(document: Document) -> Mark:
    absence = Absence(document["absence"]) if document["absence"] else None
    return Mark(
        document["session"],
        day_of(document["held_on"]),
        document["attended"],
        absence,
        document["recorded_by"],
        document["recorded_at"],
    )


async def first_recorded(tx: Transaction, enrolment_id: str, session: int) -> datetime | None:
    document = await tx.document(ATTENDANCE, f"{enrolment_id}:{session}", projection=["first_recorded_at"])
    return None if document is None else document["first_recorded_at"]


async def record_mark(tx: Transaction, enrolment_id: str, cohort_id: str, mark: Mark) -> None:
    """Set the session's mark; the mark it replaces goes into `changes`."""
    current = to_document(mark)
    key = {"_id": f"{enrolment_id}:{mark.session}"}
    previous = await tx.document(ATTENDANCE, key)
    changes: list[Any] = [] if previous is None else [*previous["changes"], {k: previous[k] for k in current}]
    document = {
        **current,
        "enrolment_id": enrolment_id,
        "cohort_id": cohort_id,
        "changes": changes,
        "first_recorded_at": mark.recorded_at if previous is None else previous["first_recorded_at"],
    }
    await tx.db[ATTENDANCE].replace_one(key, document, upsert=True, session=tx.session)


async def marks(tx: Transaction, enrolment_id: str) -> list[Mark]:
    found = tx.db[ATTENDANCE].find({"enrolment_id": enrolment_id}, sort=[("session", 1)], session=tx.session)
    return [from_document(document) async for document in found]


async def add_assessment(
    tx: Transaction, enrolment_id: str, competency: str, passed: bool, score: float | None, by: str
) -> None:
    record = {
        "enrolment_id": enrolment_id,
        "competency": competency,
        "passed": passed,
        "score": score,
        "assessed_by": by,
        "assessed_at": datetime.now(UTC),
    }
    await tx.db[ASSESSMENTS].insert_one(record, session=tx.session)


async def passed_competencies(tx: Transaction, enrolment_id: str) -> set[str]:
    """Competencies whose latest assessment passed."""
    latest: dict[str, bool] = {}
    found = tx.db[ASSESSMENTS].find({"enrolment_id": enrolment_id}, sort=[("assessed_at", 1)], session=tx.session)
    async for document in found:
        latest[document["competency"]] = document["passed"]
    return {competency for competency, passed in latest.items() if passed}
