"""Event envelope, contract registry and the platform's event contracts."""

from shared.events import enrolment, marketplace, production
from shared.events.envelope import Envelope, MalformedEvent
from shared.events.registry import (
    EventData,
    InvalidEventPayload,
    UnknownEventType,
    contract,
    registry,
)

__all__ = [
    "Envelope",
    "EventData",
    "InvalidEventPayload",
    "MalformedEvent",
    "UnknownEventType",
    "contract",
    "enrolment",
    "marketplace",
    "production",
    "registry",
]
