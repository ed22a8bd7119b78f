"""Training in progress: attendance, assessments, certificate verification."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from services.enrolment.callers import Reach
from services.enrolment.cohorts.domain import Cohort
from services.enrolment.enrolments import store as enrolments_store
from services.enrolment.enrolments.domain import EnrolmentState
from services.enrolment.participants import store
from services.enrolment.training import domain as training
from services.enrolment.training import store as training_store
from services.enrolment.training.domain import Absence, Mark
from shared.database import ServiceDatabase, Transaction
from shared.errors import Forbidden, InvalidInput


class NotTheCohortsTrainer(Forbidden):
    """A trainer records attendance and assessments for their own cohorts only."""


class NotInCohort(InvalidInput):
    """Attendance is taken for the cohort's active enrolments."""


@dataclass(frozen=True)
class Attendance:
    marks: list[Mark]
    running_rate: float | None
    programme_rate: float
    required_rate: float


@dataclass(frozen=True)
class Verification:
    """What anyone may learn from a certificate number: nothing personal."""

    valid: bool
    programme: str | None = None
    agency_id: str | None = None
    issued_on: date | None = None


def ensure_trainer(cohort: Cohort, trainer: str | None) -> None:
    if trainer is not None and trainer not in cohort.trainer_ids:
        raise NotTheCohortsTrainer("The key's trainer does not train this cohort.", field="cohort_id")


async def take_attendance(
    database: ServiceDatabase,
    cohort_id: str,
    *,
    session: int,
    held_on: date,
    marks: list[tuple[str, bool, Absence | None]],
    by: str,
    trainer: str | None,
    facility: str | None,
    window: timedelta,
) -> int:
    """Record (or correct, within the window) one session's attendance; returns how many marks were set."""

    async def work(tx: Transaction) -> int:
        cohort = await store.cohort(tx, cohort_id, reach=Reach(facility_id=facility))
        ensure_trainer(cohort, trainer)
        programme = await store.programme(tx, cohort.programme_id)
        now = datetime.now(UTC)
        for enrolment_id, attended, absence in marks:
            enrolment = await enrolments_store.enrolment(tx, enrolment_id)
            if enrolment.cohort_id != cohort_id or enrolment.state is not EnrolmentState.ACTIVE:
                raise NotInCohort(f"Enrolment {enrolment_id} is not active in this cohort.", field="marks")
            mark = training.mark(
                programme, cohort, session=session, held_on=held_on, attended=attended, absence=absence, by=by
            )
            training.ensure_editable(
                await training_store.first_recorded(tx, enrolment_id, session), now=now, window=window
            )
            await training_store.record_mark(tx, enrolment_id, cohort_id, mark)
        return len(marks)

    return await database.transaction(work)


async def attendance(database: ServiceDatabase, enrolment_id: str, *, reach: Reach) -> Attendance:
    async def work(tx: Transaction) -> Attendance:
        enrolment = await enrolments_store.enrolment(tx, enrolment_id, reach=reach)
        programme = await store.programme(tx, enrolment.programme_id)
        marks = await training_store.marks(tx, enrolment_id)
        return Attendance(
            marks,
            training.running_rate(marks),
            training.attendance_rate(marks, programme),
            programme.minimum_attendance_rate,
        )

    return await database.transaction(work)


async def assess(
    database: ServiceDatabase,
    enrolment_id: str,
    *,
    competency: str,
    passed: bool,
    score: float | None,
    by: str,
    trainer: str | None,
    facility: str | None,
) -> set[str]:
    """Record an assessment; returns the competencies passed so far."""

    async def work(tx: Transaction) -> set[str]:
        enrolment = await enrolments_store.enrolment(tx, enrolment_id, reach=Reach(facility_id=facility))
        ensure_trainer(await store.cohort(tx, enrolment.cohort_id), trainer)
        programme = await store.programme(tx, enrolment.programme_id)
        passed_so_far = frozenset(await training_store.passed_competencies(tx, enrolment_id))
        now_passed = training.with_assessment(passed_so_far, competency, programme, result=passed)
        await training_store.add_assessment(tx, enrolment_id, competency, passed, score, by)
        return set(now_passed)

    return await database.transaction(work)


async def verify_certificate(database: ServiceDatabase, number: str) -> Verification:
    async def work(tx: Transaction) -> Verification:
        found = await training_store.certificate(tx, number)
        if found is None:
            return Verification(valid=False)
        programme = await store.programme(tx, found["programme_id"])
        return Verification(True, programme.name, found["agency_id"], found["issued_on"].date())

    return await database.transaction(work)
