"""The reaction of the links read model: learn links from each run of events, and tell what each event concerns
once its links are known (parking the events that wait, waking those a new link completes)."""

from collections.abc import Sequence

from services.notifications.links import domain, store
from services.notifications.links.domain import Link, Scope
from shared.messaging.envelope import Envelope
from shared.storage.database import Transaction


async def scope_events(tx: Transaction, envelopes: Sequence[Envelope]) -> list[tuple[Envelope, Scope]]:
    """The run's events whose scope is known, then the earlier events the run's links complete, each
    aggregate's in `sequence` order; the rest are parked."""
    taught = [link for envelope in envelopes for link in domain.links_taught(envelope.type, envelope.data)]
    await store.learn(tx, taught)
    woken = await store.woken_by(tx, [link.key for link in taught])
    woken.sort(key=lambda envelope: (envelope.subject, envelope.sequence))
    known: list[tuple[Envelope, Scope]] = []
    waiting: list[tuple[Envelope, frozenset[str]]] = []
    for envelope, resolution in zip([*envelopes, *woken], await _resolutions(tx, [*envelopes, *woken]), strict=True):
        if resolution.waiting_on:
            waiting.append((envelope, resolution.waiting_on))
        else:
            known.append((envelope, resolution.scope))
    await store.park(tx, waiting)
    return known


async def _resolutions(tx: Transaction, envelopes: Sequence[Envelope]) -> list[domain.Resolution]:
    """Two look-ups for the whole run: the links events name, then those their lots lead to."""
    first = await store.links(tx, {k for envelope in envelopes for k in domain.keys_needed(envelope.data)})
    found: dict[str, Link] = {**first, **await store.links(tx, domain.second_keys(first.values()) - first.keys())}
    return [domain.resolve(envelope.data, found) for envelope in envelopes]
