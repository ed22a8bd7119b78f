"""Feed use cases: every known event lands once in the feed; an agency reads the types it subscribed to."""

from collections.abc import Sequence

from services.notifications.feed import domain, store
from services.notifications.feed.domain import FeedEntry
from services.notifications.links.domain import Scope
from services.notifications.subscriptions import store as subscriptions
from services.notifications.subscriptions.domain import PUBLIC_TYPES, Subscription, visible_types
from services.notifications.subscriptions.handlers import known_types
from shared.errors import Forbidden
from shared.http.api_keys import Caller
from shared.messaging.envelope import Envelope
from shared.storage.database import ServiceDatabase, Transaction


class NotSubscribed(Forbidden):
    """An agency's key reads the feed once the agency has a subscription."""


async def record_in_feed(
    tx: Transaction, envelopes: Sequence[Envelope], scoped: Sequence[tuple[Envelope, Scope]]
) -> None:
    """A run of events lands in the feed with one bulk write, each with whom it concerns when known (else
    waiting for it); earlier events whose scope the run completed are given theirs."""
    scopes = {envelope.id: scope for envelope, scope in scoped}
    arrived = {envelope.id for envelope in envelopes}
    await store.append_to_feed(tx, [domain.feed_entry(envelope, scopes.get(envelope.id)) for envelope in envelopes])
    await store.scope_entries(tx, {event_id: scope for event_id, scope in scopes.items() if event_id not in arrived})


class ReachesNoEvents(Forbidden):
    """A key that is neither platform staff's, an agency's nor an integrator's reads no event."""


async def feed_for(
    database: ServiceDatabase, caller: Caller, *, requested: list[str], after: str | None, limit: int
) -> tuple[list[FeedEntry], str | None]:
    """A page of the feed as the caller may read it: an agency its grant, an integrator the public catalogue,
    platform staff everything, and any other key nothing."""
    if caller.agency_id is not None or caller.staff:
        return await feed(database, agency=caller.agency_id, requested=requested, after=after, limit=limit)
    if caller.attributes.get("integrator_id"):
        public = Subscription("integrator", PUBLIC_TYPES)
        types = visible_types(requested, public, known=known_types())
        return await store.feed_page(database, after=after, types=types, agency=None, limit=limit)
    raise ReachesNoEvents("This key is neither platform staff's nor an agency's or an integrator's.")


async def feed(
    database: ServiceDatabase, *, agency: str | None, requested: list[str], after: str | None, limit: int
) -> tuple[list[FeedEntry], str | None]:
    """A page of the feed; an agency's key sees only the types its agency subscribed to (staff's, every type)."""
    found = None
    if agency is not None:
        found = await database.read(lambda tx: subscriptions.subscription(tx, agency))
        if found is None:
            raise NotSubscribed(f"Agency {agency} has no subscription yet; an administrator sets one.")
    types = visible_types(requested, found, known=known_types())
    own = None if found is None or found.all_programmes else found.agency_id
    return await store.feed_page(database, after=after, types=types, agency=own, limit=limit)
