"""Start-up migrations: named steps that bring documents an earlier version stored to the shape this version
reads. The runtime runs them in order when the service starts, before it serves or consumes, and records each
one done, so a later start skips it; a migration that must see a later start too (say, to drop an index once
older replicas have stopped writing what it needs) answers False, and runs again then. Each is idempotent all
the same: two replicas starting at once may both run one, and a start that stops half-way runs it again."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pymongo import UpdateOne

from shared.storage.database import Document, ServiceDatabase

MIGRATIONS = "migrations"
REWRITTEN_PER_BATCH = 1000


@dataclass(frozen=True)
class Migration:
    """`name` is its record in the `migrations` collection: never rename one that has shipped. `apply` answers
    None (or True) when it is done for good, False when a later start must run it again."""

    name: str
    apply: Callable[[ServiceDatabase], Awaitable[bool | None]]


async def migrate(database: ServiceDatabase, migrations: Sequence[Migration]) -> None:
    """Run, in order, each migration not yet recorded done in this database."""
    done = {record["_id"] async for record in database.db[MIGRATIONS].find({}, projection=["_id"])}
    for migration in migrations:
        if migration.name in done:
            continue
        if await migration.apply(database) is False:
            continue
        await database.db[MIGRATIONS].update_one(
            {"_id": migration.name}, {"$setOnInsert": {"done_at": datetime.now(UTC)}}, upsert=True
        )


async def rewrite_documents(
    database: ServiceDatabase, collection: str, query: Document, rewrite: Callable[[Document], Document]
) -> int:
    """Set the fields `rewrite` returns on every document `query` finds; how many were rewritten. A document is
    rewritten only if the fields it changes still hold what was read, so a write made meanwhile is never undone."""
    rewritten = 0
    batch: list[UpdateOne] = []
    async for document in database.db[collection].find(query):
        changed = rewrite(document)
        if changed:
            unchanged = {"_id": document["_id"], **{field: document.get(field) for field in changed}}
            batch.append(UpdateOne(unchanged, {"$set": changed}))
        if len(batch) == REWRITTEN_PER_BATCH:
            rewritten += (await database.db[collection].bulk_write(batch, ordered=False)).modified_count
            batch = []
    if batch:
        rewritten += (await database.db[collection].bulk_write(batch, ordered=False)).modified_count
    return rewritten
