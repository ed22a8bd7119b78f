"""The platform's event feed: every published event, once, in the order received; pure, no I/O."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.events import Envelope


@dataclass(frozen=True)
class FeedEntry:
    """One event as partner agencies read it: the envelope's attributes and its payload."""

    event_id: str
    type: str
    source: str
    subject: str
    time: datetime
    dataschema: str
    sequence: int
    correlation_id: str | None
    data: dict[str, Any]


def feed_entry(envelope: Envelope) -> FeedEntry:
    return FeedEntry(
        event_id=envelope.id,
        type=envelope.type,
        source=envelope.source,
        subject=envelope.subject,
        time=envelope.time,
        dataschema=envelope.dataschema,
        sequence=envelope.sequence,
        correlation_id=envelope.correlationid,
        data=envelope.data,
    )
