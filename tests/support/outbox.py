"""A service's outbox filled as its commands would fill it, for tests and the bench that start from a backlog."""

from datetime import UTC, datetime
from uuid import uuid4

from pymongo.asynchronous.collection import AsyncCollection

from shared.contracts.enrolment import ParticipantRegistered
from shared.storage.database import Document, ServiceDatabase, Transaction

REGISTRATIONS = {"type": ParticipantRegistered.event_type}
"""The feed entries `fill_outbox` makes, beside what enrolment tells at its first start (facilities, agencies)."""


async def fill_outbox(database: ServiceDatabase, count: int) -> list[str]:
    """Commit `count` registrations to enrolment's outbox, as its commands would; their participant ids."""
    subjects = [str(uuid4()) for _ in range(count)]

    for start in range(0, count, 500):

        async def commit(tx: Transaction, batch: list[str] = subjects[start : start + 500]) -> None:
            for subject in batch:
                payload = ParticipantRegistered(
                    participant_id=subject, facility_id="rutan-serang", registered_at=datetime.now(UTC)
                )
                await tx.publish(payload, subject=subject, sequence=1)

        await database.transaction(commit)
    return subjects


async def published(outbox: AsyncCollection[Document], query: Document) -> bool:
    """Whether every record matching `query` is published: the relay deletes each once Kafka has it."""
    return await outbox.count_documents(query) == 0
