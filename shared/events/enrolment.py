"""Contracts of the events the enrolment service publishes. Participants appear only by opaque id."""

from datetime import date, datetime

from pydantic import Field

from shared.events.registry import EventData, contract

TOPIC = "enrolment.events"


@contract("enrolment.participant.registered", version=1)
class ParticipantRegistered(EventData):
    """A facility registered a participant (WBP) in the programme. No personal data: only the opaque id."""

    participant_id: str = Field(description="Opaque participant id; personal data stays in enrolment")
    facility_id: str = Field(description="The facility (Rutan / Lapas) holding the participant")
    registered_at: datetime


@contract("enrolment.participant.released", version=1)
class ParticipantReleased(EventData):
    """A participant left custody; their active enrolments end and their training record goes with them."""

    participant_id: str
    facility_id: str
    released_on: date


@contract("enrolment.participant.transferred", version=1)
class ParticipantTransferred(EventData):
    """A participant moved to another facility."""

    participant_id: str
    from_facility_id: str
    to_facility_id: str
    transferred_on: date
