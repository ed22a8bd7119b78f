"""Production use cases: commands called by the API, and reactions to other services' events."""

from datetime import date
from decimal import Decimal
from typing import get_args

from services.production import (
    crediting,
    cycles,
    domain,
    handlers_lots,
    inputs,
    sites,
    store,
    store_cycles,
    store_enrolments,
    store_inputs,
    store_sites,
)
from services.production.crediting import EnrolmentRecord, Standing
from services.production.cycles import Cycle
from services.production.inputs import Input, InputKind
from services.production.sites import Site, SiteKind
from services.production.units import Unit
from shared.database import ServiceDatabase, Transaction
from shared.events import Envelope
from shared.events.enrolment import CohortOpened, ProgrammePublished, ProgrammeUpdated
from shared.events.marketplace import LotSold
from shared.reactions import On, Reactions


async def register_site(
    database: ServiceDatabase,
    *,
    facility_id: str,
    name: str,
    kind: SiteKind,
    area_m2: Decimal | None = None,
    volume_m3: Decimal | None = None,
) -> Site:
    site, registered = sites.register_site(
        facility_id=facility_id, name=name, kind=kind, area_m2=area_m2, volume_m3=volume_m3
    )

    async def work(tx: Transaction) -> None:
        await store_sites.add_site(tx, site)
        await tx.publish(registered, subject=site.id, sequence=site.version)

    await database.transaction(work)
    return site


async def site(database: ServiceDatabase, site_id: str) -> Site:
    async def work(tx: Transaction) -> Site:
        return await store_sites.site(tx, site_id)

    return await database.transaction(work)


async def receive_input(
    database: ServiceDatabase,
    *,
    site_id: str | None,
    agency_id: str,
    kind: InputKind,
    item: str,
    quantity: Decimal,
    unit: Unit | str,
    received_on: date,
) -> Input:
    async def work(tx: Transaction) -> Input:
        site = await store_sites.site(tx, site_id) if site_id is not None else None
        received, event = inputs.receive_input(
            site=site, agency_id=agency_id, kind=kind, item=item, amount=quantity, unit=unit, received_on=received_on
        )
        await store_inputs.add_input(tx, received)
        await tx.publish(event, subject=received.id, sequence=received.version)
        return received

    return await database.transaction(work)


async def start_cycle(
    database: ServiceDatabase,
    *,
    site_id: str,
    programme_id: str,
    commodity: str,
    started_on: date,
    seed_quantity: Decimal | None = None,
    seed_unit: Unit | str | None = None,
    stocked_count: int | None = None,
) -> Cycle:
    async def work(tx: Transaction) -> Cycle:
        cycle, started = cycles.start_cycle(
            await store_sites.site(tx, site_id),
            programme_id=programme_id,
            commodity=commodity,
            started_on=started_on,
            seed_quantity=seed_quantity,
            seed_unit=seed_unit,
            stocked_count=stocked_count,
        )
        await store_cycles.add_cycle(tx, cycle)
        await tx.publish(started, subject=cycle.id, sequence=cycle.version)
        return cycle

    return await database.transaction(work)


async def close_cycle(database: ServiceDatabase, cycle_id: str, *, closed_on: date) -> Cycle:
    async def work(tx: Transaction) -> Cycle:
        closed, event = cycles.close_cycle(await store_cycles.cycle(tx, cycle_id), closed_on=closed_on)
        await store_cycles.close(tx, closed)
        await tx.publish(event, subject=closed.id, sequence=closed.version)
        return closed

    return await database.transaction(work)


async def cycle(database: ServiceDatabase, cycle_id: str) -> Cycle:
    async def work(tx: Transaction) -> Cycle:
        return await store_cycles.cycle(tx, cycle_id)

    return await database.transaction(work)


async def known_enrolments(database: ServiceDatabase, participant_id: str) -> list[tuple[EnrolmentRecord, str | None]]:
    """The participant's enrolments, each with its cohort's facility once the cohort is known."""

    async def work(tx: Transaction) -> list[tuple[EnrolmentRecord, str | None]]:
        records = await store_enrolments.enrolments_of(tx, participant_id)
        known = await store_enrolments.cohorts(tx, [record.cohort_id for record in records])
        return [(record, known.get(record.cohort_id, {}).get("facility_id")) for record in records]

    return await database.transaction(work)


async def standing_of(
    database: ServiceDatabase, participant_id: str, *, programme_id: str, on: date, facility_id: str | None
) -> Standing:
    async def work(tx: Transaction) -> Standing:
        return await standing(tx, participant_id, programme_id=programme_id, on=on, facility_id=facility_id)

    return await database.transaction(work)


async def standing(
    tx: Transaction, participant_id: str, *, programme_id: str, on: date, facility_id: str | None
) -> Standing:
    """May the participant be credited in the programme on `on` (at `facility_id` if given): through which
    cohort, or why not."""
    records = await store_enrolments.enrolments_of(tx, participant_id)
    cohorts = await store_enrolments.cohorts(tx, [record.cohort_id for record in records])
    return crediting.standing(
        records,
        programme_id=programme_id,
        day=on,
        facility_id=facility_id,
        cohort_facilities={cohort_id: cohort["facility_id"] for cohort_id, cohort in cohorts.items()},
    )


async def learn_participant(tx: Transaction, envelope: Envelope, payload: domain.ParticipantEvent) -> None:
    """Keep the read model of participants, ignoring events older than what it knows."""
    update = domain.as_known(payload, sequence=envelope.sequence)
    learnt = domain.learn(await store.known_participant(tx, update.id), update)
    if learnt is not None:
        await store.save_participant(tx, learnt)


async def learn_enrolment(tx: Transaction, envelope: Envelope, payload: crediting.EnrolmentEvent) -> None:
    """Keep the enrolment's dated fact at the event's sequence; late or repeated events are harmless."""
    known, version = await store_enrolments.enrolment(tx, payload.enrolment_id)
    learnt = crediting.learn(known, payload, sequence=envelope.sequence)
    if learnt != known:
        await store_enrolments.save_enrolment(tx, learnt, read_at=version)


async def learn_cohort(tx: Transaction, envelope: Envelope, payload: CohortOpened) -> None:
    await store_enrolments.save_cohort(tx, payload)


async def learn_programme(tx: Transaction, envelope: Envelope, payload: ProgrammePublished | ProgrammeUpdated) -> None:
    """Keep which agency each programme belongs to, so an agency reads figures of its own programmes only."""
    await store_enrolments.save_programme(tx, payload)


REACTIONS = Reactions(
    *(On(event, learn_participant) for event in get_args(domain.ParticipantEvent)),
    *(On(event, learn_enrolment) for event in get_args(crediting.EnrolmentEvent)),
    On(CohortOpened, learn_cohort),
    On(ProgrammePublished, learn_programme),
    On(ProgrammeUpdated, learn_programme),
    On(LotSold, handlers_lots.account_sale),
)
