"""A topic takes events only from the service that owns it: `source` and type prefix checked against the topic;
anything else is dead-lettered with why, and the consumer carries on."""

from collections.abc import Awaitable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

from shared.contracts.enrolment import ParticipantRegistered
from shared.contracts.marketplace import LotSold
from shared.messaging.registry import EventData, envelope_for
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import dead_letters, publish, registered
from tests.support.production import created_list, harvested, lot
from tests.support.services import RunningService, eventually


def from_source(payload: EventData, source: str, subject: str) -> tuple[bytes, bytes]:
    return b"k", envelope_for(payload, source=source, subject=subject, sequence=1).to_bytes()


async def test_events_on_a_topic_from_another_service_or_of_another_services_type_are_dead_lettered(
    infrastructure: Infrastructure, namespace: str, production: RunningService
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    harvest = await harvested(production, officer, "40")
    [graded] = await created_list(
        production, f"/harvests/{harvest['id']}/lots", {"lots": [lot("S-A", "A", "40")]}, officer
    )
    released = await production.http.post(f"/lots/{graded['id']}/release-for-sale", headers=officer)
    assert released.status_code == 200, released.text
    sale = LotSold(sale_id=str(uuid4()), lot_id=graded["id"], quantity=Decimal(5), unit="kg", sold_on=date(2027, 3, 1))
    forged_participant = ParticipantRegistered.model_validate(
        {"participant_id": "p-forged", "facility_id": "rutan-serang", "registered_at": "2026-11-01T08:00:00Z"}
    )
    topic = f"{namespace}enrolment.events"
    await publish(
        infrastructure,
        topic,
        [
            from_source(sale, "/services/enrolment", graded["id"]),  # a sale, said to come from enrolment
            from_source(forged_participant, "/services/marketplace", "p-forged"),  # enrolment's type, not its source
            (b"k", registered("p-genuine")),
        ],
    )

    participants = production.runtime.database.db["participants"]
    await eventually(lambda: participants.find_one({"_id": "p-genuine"}))
    letters = await eventually(lambda: _both(dead_letters(infrastructure, f"{topic}.dlq")))
    expected = "ForeignOrigin: enrolment.events takes only events of enrolment.* types from /services/enrolment"
    assert [letter["headers"]["dlq.reason"] for letter in letters] == [expected, expected]
    assert await participants.find_one({"_id": "p-forged"}) is None
    now = (await production.http.get(f"/lots/{graded['id']}", headers=officer)).json()
    assert now["dispositions"] == []
    assert Decimal(now["balance"]) == Decimal(40)


async def _both(letters: Awaitable[list[dict[str, Any]]]) -> list[dict[str, Any]] | None:
    found = await letters
    return found if len(found) >= 2 else None
