"""Notifications use cases: every known event type lands once in the feed; an agency reads what it subscribed to."""

from services.notifications import domain, store
from services.notifications.domain import FeedEntry, Subscription
from shared.consumer import On, Reactions
from shared.database import ServiceDatabase, Transaction
from shared.errors import Forbidden
from shared.events import Envelope, EventData, registry


class NotSubscribed(Forbidden):
    """An agency's key reads the feed once the agency has a subscription."""


class OtherAgency(Forbidden):
    """An agency's key reads its own agency's subscription only."""


async def record_in_feed(tx: Transaction, envelope: Envelope, payload: EventData) -> None:
    await store.append_to_feed(tx, domain.feed_entry(envelope))


def reactions() -> Reactions:
    """One reaction per registered contract, so a new contract reaches the feed without wiring."""
    return Reactions(*(On(contract, record_in_feed) for contract in registry.contracts()))


async def subscribe(database: ServiceDatabase, agency_id: str, event_types: list[str]) -> Subscription:
    """Replace the agency's subscription with `event_types`, each a type the platform publishes."""
    subscription = domain.subscribe(agency_id, event_types, known=frozenset(registry.event_types()))
    await store.save_subscription(database, subscription)
    return subscription


async def subscription(database: ServiceDatabase, agency_id: str, *, agency: str | None) -> Subscription:
    if agency is not None and agency != agency_id:
        raise OtherAgency(f"The key is for agency {agency}.", field="agency_id")
    return await store.subscription(database, agency_id) or Subscription(agency_id, frozenset())


async def feed(
    database: ServiceDatabase, *, agency: str | None, requested: list[str], after: str | None, limit: int
) -> tuple[list[FeedEntry], str | None]:
    """A page of the feed; an agency's key sees only the types its agency subscribed to."""
    found = None
    if agency is not None:
        found = await store.subscription(database, agency)
        if found is None:
            raise NotSubscribed(f"Agency {agency} has no subscription yet; an administrator sets one.")
    return await store.feed_page(database, after=after, types=domain.visible_types(requested, found), limit=limit)
