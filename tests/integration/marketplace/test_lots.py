"""The marketplace's read model of released lots, against the real database."""

from collections.abc import Awaitable
from datetime import date, datetime
from decimal import Decimal
from uuid import uuid4

from bson.decimal128 import Decimal128

from services.marketplace.lots import store as lots_store
from tests.support.infrastructure import Infrastructure
from tests.support.marketplace import Season, learn
from tests.support.services import RunningService, eventually


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


async def test_a_reduction_read_again_after_its_dedupe_record_is_gone_takes_nothing_twice(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    """A group reset past its dedupe records (or whose offsets Kafka dropped) reads old events again: each
    reduction is kept once per lot sequence, whether it comes with its own id or is published again under another."""
    season, lot_id = Season(), str(uuid4())
    distributed = season.distributed(lot_id, "5", sequence=3)
    await learn(infrastructure, namespace, production=[season.site(), season.released(lot_id, "20"), distributed])
    database = marketplace.runtime.database

    async def available() -> Decimal | None:
        lot = await database.read(lambda tx: lots_store.released_lot(tx, lot_id))
        return None if lot is None else lot.available

    await eventually(lambda: _equal(available(), Decimal(15)))
    await database.db["processed_events"].delete_many({})  # as if they had expired

    again = [distributed, season.distributed(lot_id, "5", sequence=3), season.distributed(lot_id, "1", sequence=4)]
    await learn(infrastructure, namespace, production=again)  # the last, a new change, is read after the others
    await eventually(lambda: _equal(available(), Decimal(14)))
    stored = await database.db["lots"].find_one({"_id": lot_id})
    assert stored is not None
    assert [taken["sequence"] for taken in stored["reductions"]] == [3, 4]


async def _equal(value: Awaitable[Decimal | None], expected: Decimal) -> bool:
    found = await value
    assert found is None or found >= expected, f"{found} left: a reduction was taken twice"
    return found == expected
