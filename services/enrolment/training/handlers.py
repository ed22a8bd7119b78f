"""Training in progress: attendance, assessments, suspension and resumption, the end of training, completion."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from services.enrolment.callers import Reach
from services.enrolment.certificates import store as certificate_store
from services.enrolment.cohorts import store as cohort_store
from services.enrolment.cohorts.domain import Cohort
from services.enrolment.enrolments import handlers as enrolment_handlers
from services.enrolment.enrolments import store as enrolment_store
from services.enrolment.enrolments.domain import EndReason, Enrolment, EnrolmentState
from services.enrolment.programmes import store as programme_store
from services.enrolment.training import domain, store
from services.enrolment.training.domain import Absence, Mark
from shared.errors import Forbidden, InvalidInput
from shared.storage.database import ServiceDatabase, Transaction


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


def ensure_trainer(cohort: Cohort, trainer: str | None) -> None:
    if trainer is not None and trainer not in cohort.trainer_ids:
        raise NotTheCohortsTrainer("The key's trainer does not train this cohort.", field="cohort_id")


def beside_trainer(reach: Reach) -> Reach:
    """Attendance and assessments find a cohort by facility and agency (another's is not found) and then
    refuse a trainer who does not train it, as they always have."""
    return replace(reach, trainer_id=None)


async def take_attendance(
    database: ServiceDatabase,
    cohort_id: str,
    *,
    session: int,
    held_on: date,
    marks: list[tuple[str, bool, Absence | None]],
    by: str,
    reach: Reach,
    window: timedelta,
) -> int:
    """Record (or correct, within the window) one session's attendance; returns how many marks were set."""

    async def work(tx: Transaction) -> int:
        cohort = await cohort_store.cohort(tx, cohort_id, reach=beside_trainer(reach))
        ensure_trainer(cohort, reach.trainer_id)
        programme = await programme_store.programme(tx, cohort.programme_id)
        now = datetime.now(UTC)
        for enrolment_id, attended, absence in marks:
            enrolment = await enrolment_store.enrolment(tx, enrolment_id)
            if enrolment.cohort_id != cohort_id or enrolment.state is not EnrolmentState.ACTIVE:
                raise NotInCohort(f"Enrolment {enrolment_id} is not active in this cohort.", field="marks")
            mark = domain.mark(
                programme, cohort, session=session, held_on=held_on, attended=attended, absence=absence, by=by
            )
            domain.ensure_editable(await store.first_recorded(tx, enrolment_id, session), now=now, window=window)
            await store.record_mark(tx, enrolment_id, cohort_id, mark)
        return len(marks)

    return await database.transaction(work)


async def attendance(database: ServiceDatabase, enrolment_id: str, *, reach: Reach) -> Attendance:
    async def work(tx: Transaction) -> Attendance:
        enrolment = await enrolment_store.enrolment(tx, enrolment_id, reach=reach)
        programme = await programme_store.programme(tx, enrolment.programme_id)
        marks = await store.marks(tx, enrolment_id)
        return Attendance(
            marks,
            domain.running_rate(marks),
            domain.attendance_rate(marks, programme),
            programme.minimum_attendance_rate,
        )

    return await database.transaction(work)


async def assess_competency(
    database: ServiceDatabase,
    enrolment_id: str,
    *,
    competency: str,
    passed: bool,
    score: float | None,
    by: str,
    reach: Reach,
) -> set[str]:
    """Record an assessment; returns the competencies passed so far."""

    async def work(tx: Transaction) -> set[str]:
        enrolment = await enrolment_store.enrolment(tx, enrolment_id, reach=beside_trainer(reach))
        ensure_trainer(await cohort_store.cohort(tx, enrolment.cohort_id), reach.trainer_id)
        programme = await programme_store.programme(tx, enrolment.programme_id)
        passed_so_far = frozenset(await store.passed_competencies(tx, enrolment_id))
        now_passed = domain.with_assessment(passed_so_far, competency, programme, result=passed)
        await store.add_assessment(tx, enrolment_id, competency, passed, score, by)
        return set(now_passed)

    return await database.transaction(work)


async def suspend_enrolment(
    database: ServiceDatabase, enrolment_id: str, *, on: date, with_premi: bool, reason: str, by: str, reach: Reach
) -> Enrolment:
    async def work(tx: Transaction) -> Enrolment:
        enrolment = await enrolment_store.enrolment(tx, enrolment_id, reach=reach)
        suspended, event = domain.suspend(enrolment, on=on, with_premi=with_premi, by=by, reason=reason)
        await tx.publish(event, subject=suspended.id, sequence=suspended.version)
        await enrolment_store.save_enrolment(tx, suspended)
        return suspended

    return await database.transaction(work)


async def resume_enrolment(
    database: ServiceDatabase, enrolment_id: str, *, on: date, by: str, reach: Reach
) -> Enrolment:
    async def work(tx: Transaction) -> Enrolment:
        resumed, event = domain.resume(await enrolment_store.enrolment(tx, enrolment_id, reach=reach), on=on, by=by)
        await tx.publish(event, subject=resumed.id, sequence=resumed.version)
        await enrolment_store.save_enrolment(tx, resumed)
        return resumed

    return await database.transaction(work)


async def end_training(
    database: ServiceDatabase,
    enrolment_id: str,
    *,
    on: date,
    reason: EndReason,
    note: str | None,
    by: str,
    reach: Reach,
) -> Enrolment:
    """End training without completion; the freed place goes to the head of the waiting list, active at once."""

    async def work(tx: Transaction) -> Enrolment:
        enrolment = await enrolment_store.enrolment(tx, enrolment_id, reach=reach)
        return await enrolment_handlers.end_in(tx, enrolment, on=on, reason=reason, by=by, note=note)

    return await database.transaction(work)


async def complete_enrolment(
    database: ServiceDatabase, enrolment_id: str, *, on: date, by: str, reach: Reach
) -> tuple[Enrolment, str]:
    """Complete the enrolment and issue its certificate; returns both."""

    async def work(tx: Transaction) -> tuple[Enrolment, str]:
        enrolment = await enrolment_store.enrolment(tx, enrolment_id, reach=reach)
        programme = await programme_store.programme(tx, enrolment.programme_id)
        marks = await store.marks(tx, enrolment_id)
        passed = await store.passed_competencies(tx, enrolment_id)
        completed, event, certificate = domain.complete(enrolment, programme, marks, passed, on=on, by=by)
        await enrolment_store.save_enrolment(tx, completed)
        number = certificate.certificate_number
        await certificate_store.add_certificate(tx, number, enrolment_id, programme, on)
        await tx.publish(event, subject=completed.id, sequence=completed.version)
        await tx.publish(certificate, subject=number, sequence=1)
        return completed, number

    return await database.transaction(work)
