"""Start-up migrations run once per database, in order; one that answers False runs again at the next start;
rewriting documents brings what earlier versions stored (days and amounts as text) to today's form."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from bson.decimal128 import Decimal128
from pymongo import AsyncMongoClient

from shared.storage.database import Document, ServiceDatabase
from shared.storage.migrations import MIGRATIONS, Migration, migrate, rewrite_documents
from shared.storage.values import older_amount, older_day
from tests.support.infrastructure import Infrastructure


@pytest.fixture
async def database(infrastructure: Infrastructure, namespace: str) -> AsyncIterator[ServiceDatabase]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)
    yield ServiceDatabase(client=client, name=f"{namespace}migrations", source="/tests", topic=None)
    await client.close()


async def test_each_migration_runs_once_in_order_and_an_unfinished_one_again_at_the_next_start(
    database: ServiceDatabase,
) -> None:
    ran: list[str] = []
    unfinished_left = [True, False]

    async def first(_: ServiceDatabase) -> None:
        ran.append("first")

    async def until_a_start_finds_nothing(_: ServiceDatabase) -> bool:
        ran.append("until")
        return not unfinished_left.pop(0)

    migrations = [Migration("first", first), Migration("until nothing left", until_a_start_finds_nothing)]
    await migrate(database, migrations)
    await migrate(database, migrations)
    await migrate(database, migrations)
    assert ran == ["first", "until", "until"]
    recorded = await database.db[MIGRATIONS].find({}, projection=["_id"]).to_list()
    assert sorted(record["_id"] for record in recorded) == ["first", "until nothing left"]


async def test_days_and_amounts_stored_as_text_are_rewritten_and_the_rest_left_alone(database: ServiceDatabase) -> None:
    lots = database.db["lots"]
    await lots.insert_many(
        [
            {"_id": "old", "best_before": "2026-12-07", "quantity": "12.500"},
            {"_id": "new", "best_before": datetime(2026, 12, 8, tzinfo=UTC), "quantity": Decimal128("3")},
        ]
    )

    def today_form(document: Document) -> Document:
        changed = {"best_before": older_day(document["best_before"]), "quantity": older_amount(document["quantity"])}
        return {field: value for field, value in changed.items() if value != document[field]}

    assert await rewrite_documents(database, "lots", {}, today_form) == 1
    old = await lots.find_one({"_id": "old"})
    assert old is not None
    assert old["best_before"].date() == date(2026, 12, 7)
    assert old["quantity"].to_decimal() == Decimal("12.500")
    new = await lots.find_one({"_id": "new"})
    assert new == {"_id": "new", "best_before": datetime(2026, 12, 8, tzinfo=UTC), "quantity": Decimal128("3")}
