"""What production knows of participants, learnt from enrolment events; pure, no I/O."""

from dataclasses import dataclass
from enum import StrEnum


class CustodyStatus(StrEnum):
    IN_CUSTODY = "in_custody"
    RELEASED = "released"
    TRANSFERRED = "transferred"


@dataclass(frozen=True)
class KnownParticipant:
    """A participant as production sees one: an opaque id, a facility, a status; no personal data."""

    id: str
    facility_id: str
    status: CustodyStatus
    sequence: int


def learn(known: KnownParticipant | None, update: KnownParticipant) -> KnownParticipant | None:
    """The read model after an event; None when the event is older than what is known (late or repeated)."""
    if known is not None and update.sequence <= known.sequence:
        return None
    return update
