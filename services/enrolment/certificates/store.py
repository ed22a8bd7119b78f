"""The certificates collection: one certificate per completed enrolment, found by its number."""

from datetime import UTC, date, datetime, time

from pymongo import ASCENDING, IndexModel

from services.enrolment.programmes.domain import Programme
from shared.storage.database import Document, Transaction

CERTIFICATES = "certificates"

INDEXES = {
    CERTIFICATES: [IndexModel([("enrolment_id", ASCENDING)], name="enrolment", unique=True)],
}


async def add_certificate(
    tx: Transaction, number: str, enrolment_id: str, programme: Programme, issued_on: date
) -> None:
    """The certificate names the programme as it was called when issued, as the printed certificate does."""
    record = {
        "_id": number,
        "enrolment_id": enrolment_id,
        "programme_id": programme.id,
        "programme_name": programme.name,
        "agency_id": programme.agency_id,
        "issued_on": datetime.combine(issued_on, time(), tzinfo=UTC),
    }
    await tx.db[CERTIFICATES].insert_one(record, session=tx.session)


async def certificate(tx: Transaction, number: str) -> Document | None:
    return await tx.document(CERTIFICATES, number)


async def certificate_of(tx: Transaction, enrolment_id: str) -> tuple[str, date] | None:
    found = await tx.document(CERTIFICATES, {"enrolment_id": enrolment_id})
    return None if found is None else (found["_id"], found["issued_on"].date())
