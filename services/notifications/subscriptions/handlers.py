"""Subscription use cases: platform staff set an agency's event types; an agency reads its own."""

from services.notifications.subscriptions import domain, store
from services.notifications.subscriptions.domain import Subscription
from shared.errors import Forbidden
from shared.messaging.registry import registry
from shared.storage.database import ServiceDatabase


class NotStaff(Forbidden):
    """Granting event types is platform staff's; an agency's key with the scope cannot grant itself."""


class OtherAgency(Forbidden):
    """An agency's key reads its own agency's subscription only."""


def known_types() -> frozenset[str]:
    return frozenset(registry.event_types())


async def subscribe(
    database: ServiceDatabase, agency_id: str, event_types: list[str], *, all_programmes: bool = False
) -> Subscription:
    """Replace the agency's subscription with `event_types` (types or prefixes the platform publishes)."""
    made = domain.subscribe(agency_id, event_types, known=known_types(), all_programmes=all_programmes)
    await store.save_subscription(database, made)
    return made


async def subscription(database: ServiceDatabase, agency_id: str, *, agency: str | None) -> Subscription:
    if agency is not None and agency != agency_id:
        raise OtherAgency(f"The key is for agency {agency}.", field="agency_id")
    return await database.read(lambda tx: store.subscription(tx, agency_id)) or Subscription(agency_id, frozenset())
