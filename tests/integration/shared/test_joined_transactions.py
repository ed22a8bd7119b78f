"""Work run `as_one_transaction` commits all its transactions together with what `finish` adds, or none of them;
a lost race runs the whole work again."""

import asyncio

import pytest

from shared.storage.database import ServiceDatabase, Transaction
from tests.support.services import RunningService

NOTES = "joined_notes"


async def noted(tx: Transaction, note: str) -> None:
    await tx.db[NOTES].insert_one({"_id": note}, session=tx.session)


async def notes(database: ServiceDatabase) -> list[str]:
    return sorted(document["_id"] for document in await database.db[NOTES].find({}).to_list())


async def test_every_transaction_of_the_work_and_the_finish_commit_together(production: RunningService) -> None:
    database = production.runtime.database

    async def work() -> str:
        await database.transaction(lambda tx: noted(tx, "first"))
        seen = await database.read(lambda tx: tx.document(NOTES, "first"))  # reads see what the work wrote
        await database.transaction(lambda tx: noted(tx, "second"))
        return "done" if seen else "unseen"

    async def finish(tx: Transaction, result: str) -> bool:
        assert await notes(database) == []  # nothing is committed before the finish
        await noted(tx, f"finish-{result}")
        return True

    assert await database.as_one_transaction(work, finish=finish) == "done"
    assert await notes(database) == ["finish-done", "first", "second"]


async def test_a_failed_transaction_or_a_finish_declining_commits_nothing(production: RunningService) -> None:
    database = production.runtime.database

    async def failing(tx: Transaction) -> None:
        await noted(tx, "doomed")
        raise LookupError("refused")

    async def work() -> None:
        await database.transaction(lambda tx: noted(tx, "before"))
        with pytest.raises(LookupError):
            await database.transaction(failing)

    async def finish(tx: Transaction, result: None) -> bool:
        raise AssertionError("a failed work is not finished")

    await database.as_one_transaction(work, finish=finish)
    await database.as_one_transaction(lambda: database.transaction(lambda tx: noted(tx, "x")), finish=declined)
    assert await notes(database) == []


async def declined(tx: Transaction, result: object) -> bool:
    return False


async def test_concurrent_joined_works_on_one_document_each_commit_once_in_turn(production: RunningService) -> None:
    database = production.runtime.database
    await database.db[NOTES].insert_one({"_id": "counter", "version": 1, "count": 0})
    runs: list[int] = []

    async def increment(tx: Transaction) -> None:
        current = await tx.document(NOTES, "counter")
        assert current is not None
        await tx.save_versioned(NOTES, {**current, "version": current["version"] + 1, "count": current["count"] + 1})

    async def work(n: int) -> None:
        runs.append(n)
        await database.transaction(increment)

    async def finish(tx: Transaction, result: None) -> bool:
        return True

    await asyncio.gather(*(database.as_one_transaction(lambda n=n: work(n), finish=finish) for n in range(5)))
    counter = await database.db[NOTES].find_one({"_id": "counter"})
    assert counter is not None
    assert counter["count"] == 5
    assert len(runs) >= 5
