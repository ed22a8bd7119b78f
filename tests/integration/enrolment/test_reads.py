"""Reads of one document open no MongoDB transaction: a transaction costs a commit round trip and buys nothing."""

from typing import Any

from services.enrolment.callers import EVERYWHERE
from services.enrolment.certificates import handlers as certificates
from services.enrolment.cohorts import handlers as cohorts
from services.enrolment.enrolments import handlers as enrolments
from services.enrolment.participants import handlers as participants
from services.enrolment.programmes import handlers as programmes
from shared.storage.database import ServiceDatabase
from tests.support.enrolment import STAFF_SCOPES, enrol, opened_cohort, published_programme, registered_participant
from tests.support.services import RunningService


class TransactionCounting(ServiceDatabase):
    """The service's database, counting the transactions its callers open."""

    transactions = 0

    async def transaction(self, work: Any, *, trace: Any = None) -> Any:
        self.transactions += 1
        return await super().transaction(work, trace=trace)


async def test_reading_a_participant_programme_cohort_enrolment_or_certificate_opens_no_transaction(
    enrolment: RunningService,
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    participant_id = await registered_participant(enrolment, staff)
    programme = await published_programme(enrolment, staff)
    cohort = await opened_cohort(enrolment, staff, programme["id"])
    enrolled = await enrol(enrolment, staff, participant_id, cohort["id"])
    served = enrolment.runtime.database
    database = TransactionCounting(
        client=served.client, name=served.db.name, source="/services/enrolment", topic="unused"
    )

    assert (await participants.participant(database, participant_id, facility=None)).id == participant_id
    assert (await programmes.programme(database, programme["id"], reach=EVERYWHERE)).id == programme["id"]
    assert (await cohorts.cohort(database, cohort["id"])).id == cohort["id"]
    assert (await enrolments.enrolment(database, enrolled["id"], reach=EVERYWHERE)).id == enrolled["id"]
    assert not (await certificates.verify_certificate(database, "NO-SUCH-NUMBER")).valid
    assert database.transactions == 0
