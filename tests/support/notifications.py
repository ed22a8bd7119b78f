"""Events, grants and endpoints for the webhook tests: events published straight to the services' topics."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared.contracts.enrolment import ProgrammePublished
from shared.contracts.marketplace import ListingSoldOut, ListingWithdrawn
from shared.contracts.production import CycleStarted, LotDistributed, LotGraded, SiteRegistered
from shared.messaging.registry import EventData, envelope_for
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import publish
from tests.support.services import RunningService

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)
FAST = {
    "webhook_allowed_networks": ["127.0.0.0/8", "::1/128"],
    "webhook_any_port": True,
    "webhook_retry_schedule_seconds": [0.2, 0.2, 0.2],
    "webhook_poll_seconds": 0.05,
    "webhook_lease_seconds": 10.0,
    "webhook_timeout_seconds": 2.0,
}
"""Settings of the service as the webhook tests run it: loopback receivers allowed, clocks shortened."""
Event = tuple[str, bytes, bytes]
"""topic (without the namespace), key, value."""


def event(payload: EventData, *, subject: str, sequence: int = 1) -> Event:
    service = payload.event_type.split(".")[0]
    envelope = envelope_for(payload, source=f"/services/{service}", subject=subject, sequence=sequence)
    return f"{service}.events", subject.encode(), envelope.to_bytes()


async def publish_events(infrastructure: Infrastructure, namespace: str, events: list[Event]) -> None:
    for topic, key, value in events:
        await publish(infrastructure, f"{namespace}{topic}", [(key, value)])


def programme(programme_id: str, agency_id: str) -> Event:
    payload = ProgrammePublished(
        programme_id=programme_id,
        agency_id=agency_id,
        name="Budidaya",
        skill_track="fisheries",
        duration_hours=40,
        sessions=10,
        competencies=["pemberian pakan"],
        earns_premi=True,
    )
    return event(payload, subject=programme_id)


def site(site_id: str, facility_id: str = "rutan-serang") -> Event:
    payload = SiteRegistered(
        site_id=site_id,
        facility_id=facility_id,
        name=site_id,
        kind="pond",
        area_m2=None,
        volume_m3=Decimal(10),
        registered_at=NOW,
    )
    return event(payload, subject=site_id)


def cycle(cycle_id: str, programme_id: str, site_id: str, commodity: str = "lele") -> Event:
    payload = CycleStarted(
        cycle_id=cycle_id,
        site_id=site_id,
        programme_id=programme_id,
        commodity=commodity,
        kind="stocking",
        started_on=date(2026, 12, 1),
        seed_quantity=None,
        seed_unit=None,
        stocked_count=100,
    )
    return event(payload, subject=cycle_id)


def lot(lot_id: str, programme_id: str, site_id: str, commodity: str = "lele") -> Event:
    payload = LotGraded(
        lot_id=lot_id,
        lot_code=lot_id.upper(),
        source="harvest",
        source_id="h-1",
        cycle_id="c-1",
        programme_id=programme_id,
        site_id=site_id,
        commodity=commodity,
        grade="A",
        quantity=Decimal(20),
        unit="kg",
        best_before=None,
    )
    return event(payload, subject=lot_id)


def distributed(lot_id: str, sequence: int, balance: int = 10) -> Event:
    payload = LotDistributed(
        lot_id=lot_id,
        quantity=Decimal(1),
        unit="kg",
        recipient="dapur umum",
        distributed_on=date(2026, 12, 2),
        balance=Decimal(balance),
    )
    return event(payload, subject=lot_id, sequence=sequence)


def listing_sold_out(listing_id: str, programme_id: str, agency_id: str) -> Event:
    payload = ListingSoldOut(
        listing_id=listing_id,
        facility_id="rutan-serang",
        programme_ids=[programme_id],
        agency_ids=[agency_id],
        sold_out_at=NOW,
    )
    return event(payload, subject=listing_id)


def listing_withdrawn(listing_id: str, programme_id: str, agency_id: str, sequence: int = 2) -> Event:
    payload = ListingWithdrawn(
        listing_id=listing_id,
        facility_id="rutan-serang",
        programme_ids=[programme_id],
        agency_ids=[agency_id],
        reason="stok habis",
        withdrawn_at=NOW,
    )
    return event(payload, subject=listing_id, sequence=sequence)


async def grant(service: RunningService, agency_id: str, event_types: list[str], **more: Any) -> None:
    staff = await service.mint_key("subscriptions:write")
    granted = await service.http.put(
        f"/subscriptions/{agency_id}", json={"event_types": event_types, **more}, headers=staff
    )
    assert granted.status_code == 200, granted.text


async def agency_key(service: RunningService, agency_id: str) -> dict[str, str]:
    return await service.mint_key("endpoints:read", "endpoints:write", agency_id=agency_id)


async def endpoint(
    service: RunningService, key: dict[str, str], url: str, event_types: list[str], **more: Any
) -> dict[str, Any]:
    made = await service.http.post("/endpoints", json={"url": url, "event_types": event_types, **more}, headers=key)
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body
