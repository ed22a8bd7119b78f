"""A database backed up with `deploy.operate backup` and restored into an empty one holds the same documents,
every BSON type intact; a restore into a database that holds anything is refused."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bson import Binary, Decimal128, ObjectId
from pymongo import AsyncMongoClient

from tests.support.infrastructure import Infrastructure
from tests.support.operate import collections_as_json, operate


def documents(count: int) -> list[dict[str, Any]]:
    return [
        {
            "_id": f"lot-{number:04d}",
            "at": datetime(2026, 10, 23, 8, number % 60, tzinfo=UTC),
            "quantity": Decimal128(Decimal(f"{number}.125")),
            "count": number,
            "big": 2**40 + number,
            "ratio": number / 7,
            "photo": Binary(bytes([number % 256]) * 16),
            "ref": ObjectId(),
            "lines": [{"unit": "kg", "amount": Decimal128("1.5")}, None, True],
        }
        for number in range(count)
    ]


async def test_a_backup_restored_into_an_empty_database_holds_every_collection_unchanged(
    infrastructure: Infrastructure, namespace: str, tmp_path: Path
) -> None:
    client: AsyncMongoClient[Any] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)
    source, target = f"{namespace}production", f"{namespace}production-restored"
    try:
        await client[source]["lots"].insert_many(documents(2500))
        await client[source]["processed_events"].insert_many([{"_id": ObjectId(), "event_id": "e-1"}])
        await client[source]["empty"].insert_one({"_id": "x"})
        await client[source]["empty"].delete_one({"_id": "x"})

        backed_up = await operate(
            infrastructure, namespace, "backup", "--service", "production", "--database", source, "--to", str(tmp_path)
        )
        assert backed_up.code == 0, backed_up.err
        assert backed_up.out.startswith("2501 documents of 3 collections")
        restored = await operate(infrastructure, namespace, "restore", "--from", str(tmp_path), "--into", target)
        assert restored.code == 0, restored.err

        original = await collections_as_json(client[source])
        assert await collections_as_json(client[target]) == original
        assert [len(original[name]) for name in ("empty", "lots", "processed_events")] == [0, 2500, 1]
    finally:
        await client.close()


async def test_a_restore_into_a_database_that_holds_anything_is_refused(
    infrastructure: Infrastructure, namespace: str, tmp_path: Path
) -> None:
    client: AsyncMongoClient[Any] = AsyncMongoClient(infrastructure.mongodb_url, tz_aware=True)
    target = f"{namespace}enrolment"
    try:
        await client[target]["participants"].insert_one({"_id": "p-1"})
        (tmp_path / "participants.ejson").write_text('{"_id": "p-2"}\n')
        refused = await operate(infrastructure, namespace, "restore", "--from", str(tmp_path), "--into", target)
        assert refused.code != 0
        assert "restore into an empty one" in refused.err
        assert await client[target]["participants"].count_documents({}) == 1
    finally:
        await client.close()
