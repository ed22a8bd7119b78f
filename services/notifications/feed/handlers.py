"""Feed use cases: every known event lands once in the feed; an agency reads the types it subscribed to."""

from collections.abc import Sequence

from services.notifications.feed import domain, store
from services.notifications.feed.domain import FeedEntry
from services.notifications.grants import store as grants
from services.notifications.grants.domain import visible_types
from services.notifications.grants.handlers import known_types
from shared.database import ServiceDatabase, Transaction
from shared.errors import Forbidden
from shared.events import EventData
from shared.reactions import Received


class NotSubscribed(Forbidden):
    """An agency's key reads the feed once the agency has a subscription."""


async def record_in_feed(tx: Transaction, received: Sequence[Received[EventData]]) -> None:
    """A run of events lands in the feed with one bulk write."""
    await store.append_to_feed(tx, [domain.feed_entry(envelope) for envelope, _ in received])


async def feed(
    database: ServiceDatabase, *, agency: str | None, requested: list[str], after: str | None, limit: int
) -> tuple[list[FeedEntry], str | None]:
    """A page of the feed; an agency's key sees only the types its agency subscribed to."""
    found = None
    if agency is not None:
        found = await grants.grant(database, agency)
        if found is None:
            raise NotSubscribed(f"Agency {agency} has no subscription yet; an administrator sets one.")
    return await store.feed_page(
        database, after=after, types=visible_types(requested, found, known=known_types()), limit=limit
    )
