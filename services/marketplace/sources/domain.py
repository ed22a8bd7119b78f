"""What lots come from: a harvest or a batch, its day, whether food, and the hours each (opaque) participant was
credited with, which divide the premi; pure."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared.contracts.production import Credit


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    programme_id: str
    produced_on: date
    food: bool
    hours: dict[str, Decimal]
    """Participant id -> hours credited, for the premi."""


def hours_of(credits: list[Credit]) -> dict[str, Decimal]:
    """Each participant's hours, added up over their credits."""
    hours: dict[str, Decimal] = {}
    for credit in credits:
        hours[credit.participant_id] = hours.get(credit.participant_id, Decimal(0)) + credit.hours
    return hours
