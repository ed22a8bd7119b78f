"""Deliveries: one event on its way to one endpoint, and its state; pure (what each answer means is the
couriers' rule, services.notifications.couriers.domain).

Within one endpoint an aggregate's deliveries go one at a time in `sequence` order: a later one is held until
the one before it is delivered or has failed for good.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import uuid4

from shared.errors import NotFound


class DeliveryNotFound(NotFound):
    """No delivery of the caller's endpoints has this id."""


class State(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    MISSED = "missed"
    """The endpoint was disabled when the event came; recovered on request once it is enabled again."""


@dataclass(frozen=True)
class Delivery:
    id: str
    endpoint_id: str
    owner_kind: str
    owner_id: str
    event_id: str
    event_type: str
    subject: str
    sequence: int
    body: str
    state: State
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    held: bool = False
    delivered_at: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    bound: bool = False
    """Programme- or agency-bound: sent only to `agency_ids`' endpoints unless the grant covers all programmes
    (checked again at each send; deliveries stored before this was kept are checked by type alone)."""
    agency_ids: frozenset[str] = frozenset()


def new_delivery(
    *,
    endpoint_id: str,
    owner_kind: str,
    owner_id: str,
    event_id: str,
    event_type: str,
    subject: str,
    sequence: int,
    body: str,
    now: datetime,
    missed: bool,
    bound: bool = False,
    agency_ids: frozenset[str] = frozenset(),
) -> Delivery:
    return Delivery(
        id=str(uuid4()),
        endpoint_id=endpoint_id,
        owner_kind=owner_kind,
        owner_id=owner_id,
        event_id=event_id,
        event_type=event_type,
        subject=subject,
        sequence=sequence,
        body=body,
        state=State.MISSED if missed else State.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        bound=bound,
        agency_ids=agency_ids,
    )


def holding(deliveries: Iterable[Delivery], already_pending: set[tuple[str, str]]) -> list[Delivery]:
    """Pending deliveries with `held` set on all but the first of each endpoint's aggregate, in sequence order
    (`already_pending`: endpoint and aggregate pairs with a pending delivery stored before)."""
    seen = set(already_pending)
    ordered = []
    for delivery in sorted(deliveries, key=lambda d: (d.endpoint_id, d.subject, d.sequence)):
        pair = (delivery.endpoint_id, delivery.subject)
        ordered.append(replace(delivery, held=delivery.state is State.PENDING and pair in seen))
        if delivery.state is State.PENDING:
            seen.add(pair)
    return ordered
