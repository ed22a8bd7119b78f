"""Use cases of training in progress: start a cohort, take attendance, assess, complete, verify certificates."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from services.enrolment import cohorts, leaving, store, training, training_store
from services.enrolment.cohorts import Cohort
from services.enrolment.enrolments import Enrolment, EnrolmentState
from services.enrolment.training import Absence, EndReason, Mark
from shared.database import ServiceDatabase, Transaction
from shared.errors import Forbidden, InvalidInput
from shared.events.enrolment import CohortStarted


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


async def start_cohort(database: ServiceDatabase, cohort_id: str, *, on: date, by: str) -> Cohort:
    """Start the cohort: every approved enrolment becomes active from `on`."""

    async def work(tx: Transaction) -> Cohort:
        started = cohorts.start(await store.cohort(tx, cohort_id), on=on)
        for enrolment_id in started.approved:
            active, activated = training.activate(await store.enrolment(tx, enrolment_id), on=on, by=by)
            await store.save(tx, store.ENROLMENTS, store.enrolment_document(active))
            await tx.publish(activated, subject=active.id, sequence=active.version)
        await store.save(tx, store.COHORTS, store.cohort_document(started))
        event = CohortStarted(
            cohort_id=started.id,
            programme_id=started.programme_id,
            started_on=on,
            active_enrolment_ids=list(started.approved),
        )
        await tx.publish(event, subject=started.id, sequence=started.version)
        return started

    return await database.transaction(work)


async def take_attendance(
    database: ServiceDatabase,
    cohort_id: str,
    *,
    session: int,
    held_on: date,
    marks: list[tuple[str, bool, Absence | None]],
    by: str,
    trainer: str | None,
    window: timedelta,
) -> int:
    """Record (or correct, within the window) one session's attendance; returns how many marks were set."""

    async def work(tx: Transaction) -> int:
        cohort = await store.cohort(tx, cohort_id)
        ensure_trainer(cohort, trainer)
        programme = await store.programme(tx, cohort.programme_id)
        now = datetime.now(UTC)
        for enrolment_id, attended, absence in marks:
            enrolment = await store.enrolment(tx, enrolment_id)
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


async def attendance(database: ServiceDatabase, enrolment_id: str) -> Attendance:
    async def work(tx: Transaction) -> Attendance:
        enrolment = await store.enrolment(tx, enrolment_id)
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
) -> set[str]:
    """Record an assessment; returns the competencies passed so far."""

    async def work(tx: Transaction) -> set[str]:
        enrolment = await store.enrolment(tx, enrolment_id)
        ensure_trainer(await store.cohort(tx, enrolment.cohort_id), trainer)
        programme = await store.programme(tx, enrolment.programme_id)
        passed_so_far = frozenset(await training_store.passed_competencies(tx, enrolment_id))
        now_passed = training.with_assessment(passed_so_far, competency, programme, result=passed)
        await training_store.add_assessment(tx, enrolment_id, competency, passed, score, by)
        return set(now_passed)

    return await database.transaction(work)


async def complete(database: ServiceDatabase, enrolment_id: str, *, on: date, by: str) -> tuple[Enrolment, str]:
    """Complete the enrolment and issue its certificate; returns both."""

    async def work(tx: Transaction) -> tuple[Enrolment, str]:
        enrolment = await store.enrolment(tx, enrolment_id)
        programme = await store.programme(tx, enrolment.programme_id)
        completed, event, certificate = training.complete(
            enrolment,
            programme,
            await training_store.marks(tx, enrolment_id),
            await training_store.passed_competencies(tx, enrolment_id),
            on=on,
            by=by,
        )
        await store.save(tx, store.ENROLMENTS, store.enrolment_document(completed))
        await training_store.add_certificate(
            tx, certificate.certificate_number, enrolment_id, programme.id, programme.agency_id, on
        )
        await tx.publish(event, subject=completed.id, sequence=completed.version)
        await tx.publish(certificate, subject=certificate.certificate_number, sequence=1)
        return completed, certificate.certificate_number

    return await database.transaction(work)


async def verify_certificate(database: ServiceDatabase, number: str) -> Verification:
    async def work(tx: Transaction) -> Verification:
        found = await training_store.certificate(tx, number)
        if found is None:
            return Verification(valid=False)
        programme = await store.programme(tx, found["programme_id"])
        return Verification(True, programme.name, found["agency_id"], found["issued_on"].date())

    return await database.transaction(work)


async def suspend(
    database: ServiceDatabase, enrolment_id: str, *, on: date, with_premi: bool, reason: str, by: str
) -> Enrolment:
    async def work(tx: Transaction) -> Enrolment:
        suspended, event = training.suspend(
            await store.enrolment(tx, enrolment_id), on=on, with_premi=with_premi, by=by, reason=reason
        )
        await tx.publish(event, subject=suspended.id, sequence=suspended.version)
        return await leaving.saved(tx, suspended)

    return await database.transaction(work)


async def resume(database: ServiceDatabase, enrolment_id: str, *, on: date, by: str) -> Enrolment:
    async def work(tx: Transaction) -> Enrolment:
        resumed, event = training.resume(await store.enrolment(tx, enrolment_id), on=on, by=by)
        await tx.publish(event, subject=resumed.id, sequence=resumed.version)
        return await leaving.saved(tx, resumed)

    return await database.transaction(work)


async def end(
    database: ServiceDatabase, enrolment_id: str, *, on: date, reason: EndReason, note: str | None, by: str
) -> Enrolment:
    """End training without completion; the freed place goes to the head of the waiting list, active at once."""

    async def work(tx: Transaction) -> Enrolment:
        enrolment = await store.enrolment(tx, enrolment_id)
        return await leaving.end(tx, enrolment, on=on, reason=reason, by=by, note=note)

    return await database.transaction(work)
