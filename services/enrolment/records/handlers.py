"""Use cases of a participant's record: the premi ledger fed by marketplace events, and the training record."""

from services.enrolment.certificates import store as certificate_store
from services.enrolment.enrolments import store as enrolment_store
from services.enrolment.participants import store as participant_store
from services.enrolment.programmes import store as programme_store
from services.enrolment.records import domain, store
from services.enrolment.records.domain import TrainingRecord
from services.enrolment.training import domain as training
from services.enrolment.training import store as training_store
from shared.contracts.marketplace import PremiSettled
from shared.messaging.envelope import Envelope
from shared.storage.database import ServiceDatabase, Transaction


async def record_premi(tx: Transaction, envelope: Envelope, payload: PremiSettled) -> None:
    """A settlement's premi for one participant goes into their ledger."""
    await store.add_premi_line(tx, payload)


async def training_record(database: ServiceDatabase, participant_id: str, *, facility: str | None) -> TrainingRecord:
    async def work(tx: Transaction) -> TrainingRecord:
        participant = await participant_store.participant(tx, participant_id, facility=facility)
        lines = []
        for enrolment in await enrolment_store.enrolments_of(tx, participant_id):
            if enrolment.state not in domain.RECORDED_STATES:
                continue
            programme = await programme_store.programme(tx, enrolment.programme_id)
            rate = training.attendance_rate(await training_store.marks(tx, enrolment.id), programme)
            certificate = await certificate_store.certificate_of(tx, enrolment.id)
            lines.append(domain.programme_record(enrolment, programme, rate, certificate))
        return TrainingRecord(participant, lines, await store.premi_of(tx, participant_id))

    return await database.transaction(work)
