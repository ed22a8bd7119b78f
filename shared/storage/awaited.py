"""Facts learnt from other services' events, read while they may be arriving.

A transaction that finds a fact missing (a site's facility, a programme, a link) acts on its absence: a lot
waits for its site, an event waits for its programme. Meanwhile another transaction may be learning that fact
and looking for whatever waits for it, which it cannot see until the first commits: each would miss the other.
So the first writes the missing fact's document (a placeholder, made if there is none yet): two transactions
that write one document conflict, and the one that loses is run again on fresh reads, where it sees the
other's work."""

from datetime import UTC, datetime

from pymongo import UpdateOne

from shared.storage.database import Transaction

AWAITED_AT = "awaited_at"


async def await_facts(tx: Transaction, collection: str, missing: list[str]) -> None:
    """Write to the document of each missing fact in `collection`, by `_id`, made when there is none yet (and
    kept when the fact is learnt). A read-only unit of work awaits nothing."""
    if missing and tx.session is not None:
        now = datetime.now(UTC)
        placeholders = [UpdateOne({"_id": key}, {"$set": {AWAITED_AT: now}}, upsert=True) for key in missing]
        await tx.db[collection].bulk_write(placeholders, ordered=False, session=tx.session)
