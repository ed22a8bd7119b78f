"""Use cases for figures: each read in one snapshot, an agency's key limited to its own programmes."""

from services.production.cycles import store as cycles
from services.production.cycles.domain import CycleNotFound
from services.production.figures import domain, store
from services.production.figures.domain import CycleFigures, Period, ProgrammeFigures
from services.production.programmes import store as programmes
from shared.errors import Forbidden, NotFound
from shared.storage.database import ServiceDatabase, Transaction


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
    own = await programmes.programmes_of(tx, agency_id)
    if programme_id is None:
        return own
    if programme_id not in own:
        raise ProgrammeNotKnown(f"No programme {programme_id} of agency {agency_id} is known.", field="programme_id")
    return [programme_id]


async def cycles_figures(tx: Transaction, cycle_ids: list[str]) -> dict[str, CycleFigures]:
    found = await store.cycles(tx, cycle_ids)
    sites = await store.sites(tx, sorted({cycle.site_id for cycle in found}))
    of_cycles = store.of_cycles(cycle_ids)
    harvests, batches = await store.harvests(tx, of_cycles), await store.batches(tx, of_cycles)
    feed = await store.feed(tx, list(sites))
    return {
        cycle.id: domain.cycle_figures(
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
        covered = await in_scope(tx, caller_agency=caller_agency, programme_id=programme_id, agency_id=agency_id)
        harvests = await store.harvests(tx, store.scope(covered, commodity, "commodity"), period)
        batches = await store.batches(tx, store.scope(covered, commodity, "product"), period)
        lots = await store.distributing_lots(tx, store.scope(covered, commodity, "commodity"))
        cycle_ids = sorted({h.cycle_id for h in harvests} | {b.cycle_id for b in batches})
        found = (
            {h.programme_id for h in harvests} | {b.programme_id for b in batches} | {lot.programme_id for lot in lots}
        )
        return domain.by_programme_and_commodity(
            period,
            harvests=harvests,
            batches=batches,
            lots=lots,
            cycles=await cycles_figures(tx, cycle_ids),
            agencies=await programmes.agencies(tx, sorted(found)),
        )

    return await database.transaction(work)


async def cycle_figures(database: ServiceDatabase, cycle_id: str, *, caller_agency: str | None) -> CycleFigures:
    async def work(tx: Transaction) -> CycleFigures:
        cycle = await cycles.cycle(tx, cycle_id)
        if caller_agency is not None:
            agencies = await programmes.agencies(tx, [cycle.programme_id])
            if agencies.get(cycle.programme_id) != caller_agency:
                raise CycleNotFound(f"No production cycle {cycle_id} of agency {caller_agency}.", field="cycle_id")
        return (await cycles_figures(tx, [cycle_id]))[cycle_id]

    return await database.transaction(work)
