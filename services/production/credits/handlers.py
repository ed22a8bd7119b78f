"""Each credited participant's standing, read in the transaction that records what they worked on."""

from datetime import date
from decimal import Decimal

from services.production.cycles.domain import Cycle
from services.production.enrolments import handlers as enrolments
from services.production.enrolments.domain import Standing
from services.production.sites import store as sites
from shared.storage.database import Transaction

Credits = list[tuple[str, Decimal]]


async def standings(tx: Transaction, credits: Credits, cycle: Cycle, *, on: date) -> dict[str, Standing]:
    """Each credited participant's standing on `on` at the cycle's site: the cohort they are credited through, or
    why they may not be."""
    facility_id = (await sites.site(tx, cycle.site_id)).facility_id
    return {
        participant_id: await enrolments.standing(
            tx, participant_id, programme_id=cycle.programme_id, on=on, facility_id=facility_id
        )
        for participant_id, _ in credits
    }
