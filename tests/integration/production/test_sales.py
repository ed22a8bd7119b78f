"""Production accounts the marketplace's sales on the real broker: once per sale, and an oversell is dead-lettered."""

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

from shared.contracts.marketplace import LotSold
from shared.messaging.registry import envelope_for
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import dead_letters, publish
from tests.support.production import created_list, harvested, lot
from tests.support.services import RunningService, eventually


def sold(sale_id: str, lot_id: str, quantity: str, unit: str) -> tuple[bytes, bytes]:
    """A sale event as the marketplace would publish it; each call is a new event id, as a replay would be."""
    payload = LotSold(sale_id=sale_id, lot_id=lot_id, quantity=Decimal(quantity), unit=unit, sold_on=date(2027, 3, 1))
    envelope = envelope_for(payload, source="/services/marketplace", subject=lot_id, sequence=1)
    return lot_id.encode(), envelope.to_bytes()


async def test_a_sale_is_taken_from_its_lot_once_and_an_oversell_goes_to_the_dead_letters_with_why(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    harvest = await harvested(production, officer, "40")
    [graded] = await created_list(
        production, f"/harvests/{harvest['id']}/lots", {"lots": [lot("S-A", "A", "40")]}, officer
    )
    released = await production.http.post(f"/lots/{graded['id']}/release-for-sale", headers=officer)
    assert released.status_code == 200, released.text
    first, over, last = str(uuid4()), str(uuid4()), str(uuid4())
    topic = f"{namespace}marketplace.events"
    sales = [
        sold(first, graded["id"], "3000", "g"),
        sold(first, graded["id"], "3000", "g"),
        sold(over, graded["id"], "37.001", "kg"),
        sold(last, graded["id"], "0.5", "kg"),
    ]
    await publish(infrastructure, topic, sales)

    async def accounted() -> Any:
        now = (await production.http.get(f"/lots/{graded['id']}", headers=officer)).json()
        return now if len(now["dispositions"]) >= 2 else None

    now = await eventually(accounted)
    [letter] = await eventually(lambda: dead_letters(infrastructure, f"{topic}.dlq"))
    reason = letter["headers"]["dlq.reason"]
    assert reason.startswith(f"Unprocessable: sale {over} of lot {graded['id']}: The lot holds only 37.000 kg"), reason
    assert [(d["kind"], d["quantity"]) for d in now["dispositions"]] == [("sold", "3.000"), ("sold", "0.5")]
    assert Decimal(now["balance"]) == Decimal("36.5")
