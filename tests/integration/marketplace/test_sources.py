"""The marketplace's read model of harvests and batches, against the real database."""

from datetime import date, datetime
from decimal import Decimal
from uuid import uuid4

from bson.decimal128 import Decimal128

from services.marketplace.sources import store as sources_store
from tests.support.services import RunningService


async def test_a_source_stored_with_an_iso_day_and_hours_as_text_reads_the_same_after_its_migration(
    marketplace: RunningService,
) -> None:
    database = marketplace.runtime.database
    harvest_id = str(uuid4())
    await database.db["sources"].insert_one(
        {
            "_id": harvest_id,
            "kind": "harvest",
            "programme_id": "prog-1",
            "produced_on": "2026-10-20",
            "food": False,
            "hours": {"p-1": "2.5", "p-2": "3"},
        }
    )
    await sources_store.store_amounts_and_days(database)
    stored = await database.db["sources"].find_one({"_id": harvest_id})
    assert stored is not None
    assert (type(stored["produced_on"]), {type(hours) for hours in stored["hours"].values()}) == (
        datetime,
        {Decimal128},
    )
    known = await database.read(lambda tx: sources_store.sources(tx, [harvest_id]))
    assert (known[harvest_id].produced_on, known[harvest_id].hours) == (
        date(2026, 10, 20),
        {"p-1": Decimal("2.5"), "p-2": Decimal(3)},
    )
