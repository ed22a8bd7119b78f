"""Grant use cases: platform staff set an agency's event types; an agency reads its own."""

from services.notifications.grants import domain, store
from services.notifications.grants.domain import Grant
from shared.errors import Forbidden
from shared.messaging.registry import registry
from shared.storage.database import ServiceDatabase


class OtherAgency(Forbidden):
    """An agency's key reads its own agency's grant only."""


def known_types() -> frozenset[str]:
    return frozenset(registry.event_types())


async def subscribe(
    database: ServiceDatabase, agency_id: str, event_types: list[str], *, all_programmes: bool = False
) -> Grant:
    """Replace the agency's grant with `event_types` (types or prefixes the platform publishes)."""
    grant = domain.subscribe(agency_id, event_types, known=known_types(), all_programmes=all_programmes)
    await store.save_grant(database, grant)
    return grant


async def subscription(database: ServiceDatabase, agency_id: str, *, agency: str | None) -> Grant:
    if agency is not None and agency != agency_id:
        raise OtherAgency(f"The key is for agency {agency}.", field="agency_id")
    return await store.grant(database, agency_id) or Grant(agency_id, frozenset())
