"""Reads behind production's figures: what was yielded, given and fed, by programme, commodity and day."""

from typing import Any

from services.production.batches import store as batches_store
from services.production.batches.domain import Batch
from services.production.cycles import store as cycles_store
from services.production.cycles.domain import Cycle
from services.production.figures.domain import Period
from services.production.harvests import store as harvests_store
from services.production.harvests.domain import Harvest
from services.production.inputs import store as inputs_store
from services.production.inputs.domain import Input, InputKind
from services.production.lots import store as lots_store
from services.production.lots.domain import DispositionKind, Lot
from services.production.sites import store as sites_store
from services.production.sites.domain import Site
from shared.storage.database import Document, Transaction
from shared.storage.values import stored_day


def scope(programme_ids: list[str] | None, commodity: str | None, commodity_field: str) -> Document:
    """The query for the programmes (all when None) and the commodity (any when None)."""
    query: Document = {}
    if programme_ids is not None:
        query["programme_id"] = {"$in": programme_ids}
    if commodity is not None:
        query[commodity_field] = commodity
    return query


def of_cycles(cycle_ids: list[str]) -> Document:
    """The query for what these cycles yielded."""
    return {"cycle_id": {"$in": cycle_ids}}


def within(period: Period) -> dict[str, Any] | None:
    bounds = {"$gte": stored_day(period.start)} if period.start else {}
    if period.end:
        bounds["$lte"] = stored_day(period.end)
    return bounds or None


async def _find(tx: Transaction, collection: str, query: Document) -> list[Document]:
    found: list[Document] = await tx.db[collection].find(query, session=tx.session, sort=[("_id", 1)]).to_list()
    return found


async def harvests(tx: Transaction, query: Document, period: Period | None = None) -> list[Harvest]:
    if period is not None and (bounds := within(period)):
        query = {**query, "harvested_on": bounds}
    return [harvests_store.from_document(d) for d in await _find(tx, harvests_store.HARVESTS, query)]


async def batches(tx: Transaction, query: Document, period: Period | None = None) -> list[Batch]:
    if period is not None and (bounds := within(period)):
        query = {**query, "produced_on": bounds}
    return [batches_store.from_document(d) for d in await _find(tx, batches_store.BATCHES, query)]


async def distributing_lots(tx: Transaction, query: Document) -> list[Lot]:
    """Lots with at least one distribution; which ones fall in a period is for the figures to say."""
    query = {**query, "dispositions.kind": DispositionKind.DISTRIBUTED.value}
    return [lots_store.from_document(d) for d in await _find(tx, lots_store.LOTS, query)]


async def cycles(tx: Transaction, cycle_ids: list[str]) -> list[Cycle]:
    found = await _find(tx, cycles_store.CYCLES, {"_id": {"$in": cycle_ids}})
    return [cycles_store.from_document(d) for d in found]


async def sites(tx: Transaction, site_ids: list[str]) -> dict[str, Site]:
    found = await _find(tx, sites_store.SITES, {"_id": {"$in": site_ids}})
    return {d["_id"]: sites_store.from_document(d) for d in found}


async def feed(tx: Transaction, site_ids: list[str]) -> list[Input]:
    found = await _find(tx, inputs_store.INPUTS, {"kind": InputKind.FEED.value, "site_id": {"$in": site_ids}})
    return [inputs_store.from_document(d) for d in found]
