"""Hours credited to the participants who worked a harvest or a batch, each through an active cohort; pure."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.production.enrolments.domain import Standing
from shared.contracts.production import Credit
from shared.errors import InvalidInput


class NotCreditable(InvalidInput):
    """Only participants active in the programme's cohort on that day can be credited with production."""


class NonPositiveHours(InvalidInput):
    """Hours credited are more than zero."""


@dataclass(frozen=True)
class Credited:
    """Hours a participant (an opaque id) worked on a harvest or a batch, and the cohort they trained in."""

    participant_id: str
    hours: Decimal
    cohort_id: str | None = None


def credited(credits: list[tuple[str, Decimal]], *, standings: dict[str, Standing], on: date) -> tuple[Credited, ...]:
    """The credits, each with its cohort, when every participant was creditable on `on`; else NotCreditable
    giving each one's reason."""
    for _, hours in credits:
        if not hours.is_finite() or hours <= 0:
            raise NonPositiveHours("Hours credited must be above zero.", field="credits")
    ids = [participant_id for participant_id, _ in credits]
    if len(set(ids)) != len(ids):
        raise NotCreditable("Credit each participant once, with all their hours.", field="credits")
    refused = {participant_id: found.refusal for participant_id, found in standings.items() if found.refusal}
    if refused:
        reasons = "; ".join(f"{participant_id} {reason}" for participant_id, reason in sorted(refused.items()))
        raise NotCreditable(f"Not creditable on {on.isoformat()}: {reasons}.", field="credits")
    return tuple(
        Credited(participant_id, hours, standings[participant_id].cohort_id) for participant_id, hours in credits
    )


def credit_contracts(credits: tuple[Credited, ...]) -> list[Credit]:
    return [Credit(participant_id=c.participant_id, hours=c.hours, cohort_id=c.cohort_id) for c in credits]
