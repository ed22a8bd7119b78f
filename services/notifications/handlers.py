"""Notifications use cases: every known event type lands once in the feed."""

from services.notifications import domain, store
from shared.consumer import Reaction
from shared.database import Transaction
from shared.events import Envelope, EventData, registry


async def record_in_feed(tx: Transaction, envelope: Envelope, payload: EventData) -> None:
    await store.append_to_feed(tx, domain.feed_entry(envelope))


def reactions() -> dict[str, Reaction]:
    """One reaction per registered contract, so a new contract reaches the feed without wiring."""
    return dict.fromkeys(registry.event_types(), record_in_feed)
