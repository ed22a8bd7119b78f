"""The certificates collection: one certificate per completed enrolment, found by its number."""

from datetime import date

from pymongo import ASCENDING, IndexModel

from services.enrolment.certificates.domain import Certificate
from services.enrolment.programmes.domain import Programme
from shared.storage.database import Document, Transaction
from shared.storage.values import day_of, stored_day

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
        "issued_on": stored_day(issued_on),
    }
    await tx.db[CERTIFICATES].insert_one(record, session=tx.session)


def from_document(document: Document) -> Certificate:
    return Certificate(
        number=document["_id"],
        enrolment_id=document["enrolment_id"],
        programme_id=document["programme_id"],
        programme_name=document.get("programme_name"),
        agency_id=document["agency_id"],
        issued_on=day_of(document["issued_on"]),
    )


async def certificate(tx: Transaction, number: str) -> Certificate | None:
    document = await tx.document(CERTIFICATES, number)
    return None if document is None else from_document(document)


async def certificate_of(tx: Transaction, enrolment_id: str) -> tuple[str, date] | None:
    found = await tx.document(CERTIFICATES, {"enrolment_id": enrolment_id})
    return None if found is None else (found["_id"], day_of(found["issued_on"]))
