"""What the marketplace knows of a programme: its partner agency and name, learnt from enrolment's events; pure."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Programme:
    id: str
    agency_id: str
    name: str
