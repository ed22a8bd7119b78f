"""What production knows of participants, learnt from enrolment events; pure, no I/O."""

from dataclasses import dataclass
from enum import StrEnum

from shared.contracts.enrolment import ParticipantRegistered, ParticipantReleased, ParticipantTransferred


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


ParticipantEvent = ParticipantRegistered | ParticipantReleased | ParticipantTransferred


def as_known(event: ParticipantEvent, *, sequence: int) -> KnownParticipant:
    """What an enrolment event says about a participant's custody."""
    match event:
        case ParticipantRegistered():
            return KnownParticipant(event.participant_id, event.facility_id, CustodyStatus.IN_CUSTODY, sequence)
        case ParticipantReleased():
            return KnownParticipant(event.participant_id, event.facility_id, CustodyStatus.RELEASED, sequence)
        case ParticipantTransferred():
            return KnownParticipant(event.participant_id, event.to_facility_id, CustodyStatus.TRANSFERRED, sequence)
