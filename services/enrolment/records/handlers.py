"""Use cases of a participant's record: the premi ledger fed by marketplace events, and the training record."""

from datetime import UTC, datetime

from bson.decimal128 import Decimal128

from services.enrolment.enrolments import store as enrolments_store
from services.enrolment.participants import store
from services.enrolment.records import domain as records
from services.enrolment.records.domain import PremiEntry, TrainingRecord
from services.enrolment.training import domain as training
from services.enrolment.training import store as training_store
from shared.consumer import On, Reactions
from shared.database import ServiceDatabase, Transaction
from shared.events import Envelope
from shared.events.marketplace import PremiSettled

PREMI_LEDGER = "premi_ledger"


async def record_premi(tx: Transaction, envelope: Envelope, payload: PremiSettled) -> None:
    """One ledger line per (settlement, participant): a repeated settlement changes nothing."""
    line = {
        "participant_id": payload.participant_id,
        "programme_id": payload.programme_id,
        "amount": Decimal128(payload.amount),
        "currency": payload.currency,
        "settled_on": datetime.combine(payload.settled_on, datetime.min.time(), tzinfo=UTC),
    }
    key = {"_id": f"{payload.settlement_id}:{payload.participant_id}"}
    await tx.db[PREMI_LEDGER].update_one(key, {"$setOnInsert": line}, upsert=True, session=tx.session)


async def premi_of(tx: Transaction, participant_id: str) -> list[PremiEntry]:
    found = tx.db[PREMI_LEDGER].find({"participant_id": participant_id}, sort=[("settled_on", 1)], session=tx.session)
    return [
        PremiEntry(
            line["_id"].split(":")[0],
            line["programme_id"],
            line["amount"].to_decimal(),
            line["currency"],
            line["settled_on"].date(),
        )
        async for line in found
    ]


async def training_record(database: ServiceDatabase, participant_id: str, *, facility: str | None) -> TrainingRecord:
    async def work(tx: Transaction) -> TrainingRecord:
        participant = await store.participant(tx, participant_id, facility=facility)
        lines = []
        for enrolment in await enrolments_store.enrolments_of(tx, participant_id):
            if enrolment.state not in records.RECORDED_STATES:
                continue
            programme = await store.programme(tx, enrolment.programme_id)
            rate = training.attendance_rate(await training_store.marks(tx, enrolment.id), programme)
            certificate = await training_store.certificate_of(tx, enrolment.id)
            lines.append(records.programme_record(enrolment, programme, rate, certificate))
        return TrainingRecord(participant, lines, await premi_of(tx, participant_id))

    return await database.transaction(work)


REACTIONS = Reactions(On(PremiSettled, record_premi))
