"""Programme use cases: define, publish, revise."""

from typing import Any

from services.enrolment import programmes, store
from services.enrolment.handlers import read
from services.enrolment.programmes import Programme
from shared.database import ServiceDatabase, Transaction


async def define_programme(database: ServiceDatabase, **definition: Any) -> Programme:
    programme = programmes.define_programme(**definition)

    async def work(tx: Transaction) -> None:
        await store.save(tx, store.PROGRAMMES, store.programme_document(programme))

    await database.transaction(work)
    return programme


async def publish_programme(database: ServiceDatabase, programme_id: str) -> Programme:
    async def work(tx: Transaction) -> Programme:
        published, event = programmes.publish(await store.programme(tx, programme_id))
        await store.save(tx, store.PROGRAMMES, store.programme_document(published))
        await tx.publish(event, subject=published.id, sequence=published.version)
        return published

    return await database.transaction(work)


async def programme(database: ServiceDatabase, programme_id: str) -> Programme:
    return await read(database, store.programme, programme_id)
