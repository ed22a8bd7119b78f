"""How credits are kept inside a harvest's or a batch's document."""

from services.production.credits.domain import Credited
from shared.storage.database import Document
from shared.storage.values import amount_of, stored_amount


def to_documents(credits: tuple[Credited, ...]) -> list[Document]:
    return [
        {"participant_id": credit.participant_id, "hours": stored_amount(credit.hours), "cohort_id": credit.cohort_id}
        for credit in credits
    ]


def from_documents(stored: list[Document]) -> tuple[Credited, ...]:
    return tuple(Credited(item["participant_id"], amount_of(item["hours"]), item.get("cohort_id")) for item in stored)
