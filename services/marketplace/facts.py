"""Facts learnt from other services' events, read while they may be arriving.

A transaction that finds a fact missing (a site's facility, a programme, a harvest's credits) acts on its
absence: a lot waits for its site, a premi waits for its credits. Meanwhile another transaction may be learning
that fact and looking for whatever waits for it, which it cannot see until the first commits: each would miss
the other. So the first writes a placeholder for the missing fact (or, finding one, counts itself in it): two
transactions that write one document conflict, and the one that loses is run again on fresh reads, where it
sees the other's work."""

from pymongo import UpdateOne

from shared.database import Transaction

AWAITED = "awaited"


async def await_facts(tx: Transaction, collection: str, missing: list[str]) -> None:
    """Write to the placeholder of each missing fact, made when there is none yet (and kept when it is learnt)."""
    if missing and tx.session is not None:
        placeholders = [UpdateOne({"_id": key}, {"$inc": {AWAITED: 1}}, upsert=True) for key in missing]
        await tx.db[collection].bulk_write(placeholders, ordered=False, session=tx.session)
