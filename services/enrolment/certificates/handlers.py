"""Certificate use cases: the public check of a certificate number."""

from services.enrolment.certificates import store
from services.enrolment.certificates.domain import Verification
from services.enrolment.programmes import store as programme_store
from shared.storage.database import ServiceDatabase, Transaction


async def verify_certificate(database: ServiceDatabase, number: str) -> Verification:
    async def work(tx: Transaction) -> Verification:
        found = await store.certificate(tx, number)
        if found is None:
            return Verification(valid=False)
        # certificates issued before names were kept on them look it up
        name = found.programme_name or (await programme_store.programme(tx, found.programme_id)).name
        return Verification(True, name, found.agency_id, found.issued_on)

    # the certificate never changes once issued and names a programme that exists: no snapshot is needed
    return await database.read(work)
