"""A service's database exported to MongoDB Extended JSON (canonical, so every BSON type round-trips) and
imported into an empty database: the project's own dump and restore where mongodump is not installed."""

from pathlib import Path
from typing import Any

from bson import json_util
from pymongo import AsyncMongoClient

CANONICAL = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL, tz_aware=True)
SUFFIX = ".ejson"
BATCH = 1000


class TargetNotEmpty(RuntimeError):
    """Restoring merges into nothing: the target database must be empty (or new)."""


async def back_up(client: AsyncMongoClient[Any], database: str, folder: Path) -> dict[str, int]:
    """One file per collection, one canonical Extended JSON document per line, in `_id` order; counts by name."""
    prepared(folder)
    counts = {}
    db = client[database]
    for name in sorted(await db.list_collection_names()):
        count = 0
        with (folder / f"{name}{SUFFIX}").open("w") as out:
            async for document in db[name].find({}, sort=[("_id", 1)]):
                out.write(json_util.dumps(document, json_options=CANONICAL) + "\n")
                count += 1
        counts[name] = count
    return counts


async def restore(client: AsyncMongoClient[Any], folder: Path, database: str) -> dict[str, int]:
    """Every collection of a backup inserted into `database`, which must hold no collection yet."""
    db = client[database]
    if existing := await db.list_collection_names():
        raise TargetNotEmpty(f"{database} already holds {len(existing)} collection(s); restore into an empty one")
    counts = {}
    for file in collection_files(folder):
        name = file.name.removesuffix(SUFFIX)
        await db.create_collection(name)
        counts[name] = await insert_lines(db[name], file)
    return counts


def prepared(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)


def collection_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{SUFFIX}"))


async def insert_lines(collection: Any, file: Path) -> int:
    batch: list[dict[str, Any]] = []
    count = 0
    with file.open() as lines:
        for line in lines:
            batch.append(json_util.loads(line, json_options=CANONICAL))
            if len(batch) == BATCH:
                await collection.insert_many(batch, ordered=True)
                count, batch = count + len(batch), []
    if batch:
        await collection.insert_many(batch, ordered=True)
        count += len(batch)
    return count
