"""The notifications service's one reaction table: every contract the platform registers lands in the feed."""

from services.notifications.feed import handlers as feed
from shared.events import registry
from shared.reactions import OnRun, Reactions


def reactions() -> Reactions:
    """One row per registered contract, so a new contract reaches the feed without wiring."""
    return Reactions(*(OnRun(contract, feed.record_in_feed) for contract in registry.contracts()))
