"""Use cases for figures: each read in one snapshot, an agency's key limited to its own programmes."""

from services.production import figures, store_cycles, store_enrolments, store_figures
from services.production.cycles import CycleNotFound
from services.production.figures import CycleFigures, Period, ProgrammeFigures
from shared.database import ServiceDatabase, Transaction
from shared.errors import Forbidden, NotFound


class ProgrammeNotKnown(NotFound):
    """An agency reads figures only of programmes production has learnt are theirs."""


async def in_scope(
    tx: Transaction, *, caller_agency: str | None, programme_id: str | None, agency_id: str | None
) -> list[str] | None:
    """The programmes the figures cover (None: every one). An agency's key covers its own programmes only."""
    if caller_agency is not None:
        if agency_id is not None and agency_id != caller_agency:
            raise Forbidden("An agency reads figures of its own programmes only.", field="agency_id")
        agency_id = caller_agency
    if agency_id is None:
        return None if programme_id is None else [programme_id]
    own = await store_enrolments.programmes_of(tx, agency_id)
    if programme_id is None:
        return own
    if programme_id not in own:
        raise ProgrammeNotKnown(f"No programme {programme_id} of agency {agency_id} is known.", field="programme_id")
    return [programme_id]


async def cycles_figures(tx: Transaction, cycle_ids: list[str]) -> dict[str, CycleFigures]:
    found = await store_figures.cycles(tx, cycle_ids)
    sites = await store_figures.sites(tx, sorted({cycle.site_id for cycle in found}))
    ids = {"cycle_id": {"$in": cycle_ids}}
    harvests, batches = await store_figures.harvests(tx, ids), await store_figures.batches(tx, ids)
    feed = await store_figures.feed(tx, list(sites))
    return {
        cycle.id: figures.cycle_figures(
            cycle,
            sites[cycle.site_id],
            [h for h in harvests if h.cycle_id == cycle.id],
            [b for b in batches if b.cycle_id == cycle.id],
            feed,
        )
        for cycle in found
    }


async def programme_figures(
    database: ServiceDatabase,
    *,
    caller_agency: str | None,
    programme_id: str | None,
    agency_id: str | None,
    commodity: str | None,
    period: Period,
) -> list[ProgrammeFigures]:
    async def work(tx: Transaction) -> list[ProgrammeFigures]:
        programmes = await in_scope(tx, caller_agency=caller_agency, programme_id=programme_id, agency_id=agency_id)
        harvests = await store_figures.harvests(tx, store_figures.scope(programmes, commodity, "commodity"), period)
        batches = await store_figures.batches(tx, store_figures.scope(programmes, commodity, "product"), period)
        lots = await store_figures.distributing_lots(tx, store_figures.scope(programmes, commodity, "commodity"))
        cycle_ids = sorted({h.cycle_id for h in harvests} | {b.cycle_id for b in batches})
        found = (
            {h.programme_id for h in harvests} | {b.programme_id for b in batches} | {lot.programme_id for lot in lots}
        )
        return figures.by_programme_and_commodity(
            period,
            harvests=harvests,
            batches=batches,
            lots=lots,
            cycles=await cycles_figures(tx, cycle_ids),
            agencies=await store_enrolments.agencies(tx, sorted(found)),
        )

    return await database.transaction(work)


async def cycle_figures(database: ServiceDatabase, cycle_id: str, *, caller_agency: str | None) -> CycleFigures:
    async def work(tx: Transaction) -> CycleFigures:
        cycle = await store_cycles.cycle(tx, cycle_id)
        if caller_agency is not None:
            agencies = await store_enrolments.agencies(tx, [cycle.programme_id])
            if agencies.get(cycle.programme_id) != caller_agency:
                raise CycleNotFound(f"No production cycle {cycle_id} of agency {caller_agency}.", field="cycle_id")
        return (await cycles_figures(tx, [cycle_id]))[cycle_id]

    return await database.transaction(work)
