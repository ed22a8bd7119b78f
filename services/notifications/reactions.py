"""The notifications service's one reaction table: every contract the platform registers lands in the feed, and
goes to the webhook endpoints that receive it."""

from collections.abc import Sequence

import shared.contracts  # noqa: F401  (every contract registered, so any event on a consumed topic decodes)
from services.notifications.deliveries import handlers as deliveries
from services.notifications.feed import handlers as feed
from services.notifications.links import handlers as links
from shared.messaging.reactions import OnRun, Reactions, Received
from shared.messaging.registry import EventData, registry
from shared.storage.database import Transaction


async def record_and_deliver(tx: Transaction, received: Sequence[Received[EventData]]) -> None:
    """A run of events: into the feed, into the read model of what each concerns, and out as deliveries, in the
    transaction that handles them (so a delivery is stored once the event is handled, and only then). An event
    whose scope is not known yet waits in the feed (hidden from agencies) and for its deliveries, until the
    links it needs are learnt."""
    envelopes = [envelope for envelope, _ in received]
    scoped = await links.scope_events(tx, envelopes)
    await feed.record_in_feed(tx, envelopes, scoped)
    await deliveries.fan_out(tx, scoped)


def reactions() -> Reactions:
    """One row per registered contract, so a new contract reaches the feed and the endpoints without wiring."""
    return Reactions(
        *(
            OnRun(contract, record_and_deliver, keyed_by_event=True, one_at_a_time=True)  # the feed's positions
            for contract in registry.contracts()
        )
    )
