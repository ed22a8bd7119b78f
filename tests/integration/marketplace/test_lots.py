"""The marketplace's read model of released lots, against the real database."""

from datetime import date, datetime
from decimal import Decimal
from uuid import uuid4

from bson.decimal128 import Decimal128

from services.marketplace.lots import store as lots_store
from tests.support.services import RunningService


async def test_a_lot_stored_with_decimal_text_and_an_iso_day_reads_the_same_after_its_migration(
    marketplace: RunningService,
) -> None:
    database = marketplace.runtime.database
    lot_id = str(uuid4())
    released = {
        "lot_code": "L-1", "product": "kangkung", "unit": "kg", "grade": "A", "best_before": "2026-12-01",
        "programme_id": "prog-1", "site_id": "site-1", "source": "harvest", "source_id": "h-1",
        "quantity": "20.5", "sequence": 3,
    }  # fmt: skip
    reductions = [
        {"event_id": "e-1", "sequence": 2, "quantity": "5"},  # before the release: already out of it
        {"event_id": "e-2", "sequence": 4, "quantity": "4.25"},
        {"event_id": "e-3", "sequence": 5, "quantity": "-1"},  # a reservation given back
    ]
    await database.db["lots"].insert_one({"_id": lot_id, "released": released, "reductions": reductions})
    await lots_store.store_amounts_and_days(database)
    stored = await database.db["lots"].find_one({"_id": lot_id})
    assert stored is not None
    assert type(stored["released"]["quantity"]) is Decimal128
    assert type(stored["released"]["best_before"]) is datetime
    assert {type(taken["quantity"]) for taken in stored["reductions"]} == {Decimal128}
    lot = await database.read(lambda tx: lots_store.released_lot(tx, lot_id))
    assert lot is not None
    assert (lot.available, lot.best_before, lot.listing_id) == (Decimal("17.25"), date(2026, 12, 1), None)
