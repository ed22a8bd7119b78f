"""The marketplace's world in a test: the events it learns from, as the other services would publish them."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

from services.enrolment.references import domain as references
from services.marketplace.orders.domain import hold_id
from shared.contracts.enrolment import ProgrammePublished
from shared.contracts.production import (
    BatchProduced,
    Credit,
    HarvestRecorded,
    LotDistributed,
    LotHoldAccepted,
    LotHoldRefused,
    LotReleasedForSale,
    SiteRegistered,
)
from shared.messaging.kafka import PLAINTEXT, ensure_topics
from shared.messaging.registry import EventData, envelope_for
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import publish
from tests.support.services import RunningService, eventually

Message = tuple[bytes, bytes]
COMPLETE = {
    "description": "Dipanen pagi hari di Rutan Kelas IIB Serang.",
    "category": "vegetables",
    "price": 12000,
    "minimum_order": "0.5",
}
FOOD_PERMITS = {"pirt_number": "P-IRT 2063604010123-29", "halal_number": "ID36110000123450924"}


def message(payload: EventData, subject: str, sequence: int = 1) -> Message:
    envelope = envelope_for(
        payload, source=f"/services/{payload.event_type.split('.')[0]}", subject=subject, sequence=sequence
    )
    return subject.encode(), envelope.to_bytes()


def founding_parties() -> list[Message]:
    """The memorandum's facilities and agencies, told as enrolment tells them at its first start."""
    parties = (*references.FOUNDING_FACILITIES, *references.FOUNDING_AGENCIES)
    return [message(references.registered(party), party.id) for party in parties]


def credits(hours: dict[str, str]) -> list[Credit]:
    return [Credit(participant_id=who, hours=Decimal(worked)) for who, worked in hours.items()]


@dataclass
class Season:
    """One programme's production at one site: the events that stock a listing, built on request."""

    agency_id: str = "dkpp"
    facility_id: str = "rutan-serang"
    programme_id: str = field(default_factory=lambda: str(uuid4()))
    site_id: str = field(default_factory=lambda: str(uuid4()))

    def programme(self, name: str = "Hidroponik sayuran") -> Message:
        published = ProgrammePublished(
            programme_id=self.programme_id, agency_id=self.agency_id, name=name, skill_track="agriculture",
            duration_hours=40, sessions=10, competencies=["menanam"], earns_premi=True,
        )  # fmt: skip
        return message(published, self.programme_id)

    def site(self) -> Message:
        registered = SiteRegistered(
            site_id=self.site_id, facility_id=self.facility_id, name=f"Rak {self.site_id[:4]}", kind="hydroponic_rack",
            area_m2=Decimal(12), volume_m3=None, registered_at=datetime(2026, 9, 1, tzinfo=UTC),
        )  # fmt: skip
        return message(registered, self.site_id)

    def harvest(self, harvest_id: str, hours: dict[str, str], on: date = date(2026, 10, 20)) -> Message:
        recorded = HarvestRecorded(
            harvest_id=harvest_id, cycle_id="cycle-1", programme_id=self.programme_id, site_id=self.site_id,
            commodity="kangkung", quantity=Decimal(50), unit="kg", fish_count=None, harvested_on=on,
            credits=credits(hours),
        )  # fmt: skip
        return message(recorded, harvest_id)

    def batch(self, batch_id: str, hours: dict[str, str], product: str = "keripik_pisang") -> Message:
        produced = BatchProduced(
            batch_id=batch_id, batch_code=f"B-{batch_id[:4]}", cycle_id="cycle-2", programme_id=self.programme_id,
            site_id=self.site_id, product=product, units=200, food=True, produced_on=date(2026, 10, 22),
            best_before=date(2027, 1, 22), credits=credits(hours),
        )  # fmt: skip
        return message(produced, batch_id)

    def released(
        self, lot_id: str, quantity: str, *, harvest_id: str | None = None, batch_id: str | None = None,
        product: str = "kangkung", unit: str = "kg", best_before: date | None = None, sequence: int = 2,
    ) -> Message:  # fmt: skip
        release = LotReleasedForSale(
            lot_id=lot_id, lot_code=f"L-{lot_id[:6]}", product=product, quantity=Decimal(quantity), unit=unit,
            grade="A", best_before=best_before, programme_id=self.programme_id, site_id=self.site_id,
            cycle_id="cycle-1", harvest_id=harvest_id, batch_id=batch_id,
        )  # fmt: skip
        return message(release, lot_id, sequence)

    def hold_refused(self, order_id: str, lot_id: str, *, sequence: int = 100) -> Message:
        """Production's refusal of what an order holds of a lot, as production would publish it."""
        refused = LotHoldRefused(
            lot_id=lot_id, hold_id=hold_id(order_id, lot_id), order_id=order_id,
            reason="The lot holds only 0 kg; 3 kg cannot be held.", balance=Decimal(0),
        )  # fmt: skip
        return message(refused, lot_id, sequence)

    def distributed(self, lot_id: str, quantity: str, *, sequence: int, balance: str = "0") -> Message:
        given = LotDistributed(
            lot_id=lot_id, quantity=Decimal(quantity), unit="kg", recipient="Posyandu Melati",
            distributed_on=date(2026, 10, 25), balance=Decimal(balance),
        )  # fmt: skip
        return message(given, lot_id, sequence)


async def learn(
    infrastructure: Infrastructure,
    namespace: str,
    *,
    production: list[Message] | None = None,
    enrolment: list[Message] | None = None,
) -> None:
    """Publish events as enrolment and production would, on topics created as the services create them (a topic
    auto-created by the first message races the consumer's subscription)."""
    for service, messages in (("enrolment", enrolment), ("production", production)):
        if messages:
            topic = f"{namespace}{service}.events"
            await ensure_topics([topic], security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers)
            await publish(infrastructure, topic, messages)


async def draft_of(marketplace: RunningService, officer: dict[str, str], product: str = "kangkung") -> dict[str, Any]:
    """The listing of `product` once a released lot has stocked it."""

    async def stocked() -> dict[str, Any] | None:
        listings = (await marketplace.http.get("/manage/listings", headers=officer)).json()["items"]
        return next((listing for listing in listings if listing["product"] == product), None)

    found: dict[str, Any] = await eventually(stocked)
    return found


async def published(
    marketplace: RunningService, officer: dict[str, str], listing_id: str, **changes: Any
) -> dict[str, Any]:
    revised = await marketplace.http.patch(f"/listings/{listing_id}", json={**COMPLETE, **changes}, headers=officer)
    assert revised.status_code == 200, revised.text
    done = await marketplace.http.post(f"/listings/{listing_id}/publish", headers=officer)
    assert done.status_code == 200, done.text
    body: dict[str, Any] = done.json()
    return body


def reservations(order: dict[str, Any], *, sequence: int = 100) -> list[Message]:
    """Production's acceptance of every hold of a placed order (as production would publish it), for tests of the
    marketplace alone."""
    return [
        message(
            LotHoldAccepted(
                lot_id=held["lot_id"],
                hold_id=hold_id(order["id"], held["lot_id"]),
                order_id=order["id"],
                quantity=Decimal(held["quantity"]),
                unit=line["unit"],
                balance=Decimal(0),
            ),
            held["lot_id"],
            sequence,
        )
        for line in order["lines"]
        for held in line["lots"]
    ]


async def reserved(
    infrastructure: Infrastructure,
    namespace: str,
    marketplace: RunningService,
    order: dict[str, Any],
    key: dict[str, str],
) -> dict[str, Any]:
    """The order once the marketplace has learnt production's reservation of every lot it holds, told here as
    production would tell it."""
    await learn(infrastructure, namespace, production=reservations(order))
    return await once_reserved(marketplace, order["id"], key)


async def once_reserved(marketplace: RunningService, order_id: str, key: dict[str, str]) -> dict[str, Any]:
    """The order once production has reserved every lot it holds (it is paid only then)."""

    async def answered() -> dict[str, Any] | None:
        now: dict[str, Any] = (await marketplace.http.get(f"/orders/{order_id}", headers=key)).json()
        lots = [held for line in now["lines"] for held in line["lots"]]
        return now if all(held["reservation"] == "reserved" for held in lots) else None

    return await eventually(answered)
