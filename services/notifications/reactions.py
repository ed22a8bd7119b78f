"""The notifications service's one reaction table: every contract the platform registers lands in the feed."""

from services.notifications.feed import handlers as feed
from shared.consumer import On, Reactions
from shared.events import registry


def reactions() -> Reactions:
    """One row per registered contract, so a new contract reaches the feed without wiring."""
    return Reactions(*(On(contract, feed.record_in_feed) for contract in registry.contracts()))
