"""Subscription use cases: platform staff set an agency's event types; an agency reads its own."""

from services.notifications.subscriptions import domain, store
from services.notifications.subscriptions.domain import Subscription
from shared.database import ServiceDatabase
from shared.errors import Forbidden
from shared.events import registry


class OtherAgency(Forbidden):
    """An agency's key reads its own agency's subscription only."""


async def subscribe(database: ServiceDatabase, agency_id: str, event_types: list[str]) -> Subscription:
    """Replace the agency's subscription with `event_types`, each a type the platform publishes."""
    subscription = domain.subscribe(agency_id, event_types, known=frozenset(registry.event_types()))
    await store.save_subscription(database, subscription)
    return subscription


async def subscription(database: ServiceDatabase, agency_id: str, *, agency: str | None) -> Subscription:
    if agency is not None and agency != agency_id:
        raise OtherAgency(f"The key is for agency {agency}.", field="agency_id")
    return await store.subscription(database, agency_id) or Subscription(agency_id, frozenset())
