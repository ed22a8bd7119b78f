"""The training record that goes with a participant: programmes, certificates, attendance, and premi owed
from the marketplace's settlement events."""

from datetime import date
from decimal import Decimal
from typing import Any

from shared.contracts.marketplace import PremiSettled
from shared.messaging.registry import envelope_for
from tests.support.enrolment import (
    STAFF_SCOPES,
    completed_participant,
    registered_participant,
)
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import publish
from tests.support.services import RunningService, eventually


def settled(settlement_id: str, participant_id: str, programme_id: str, amount: str) -> bytes:
    payload = PremiSettled(
        settlement_id=settlement_id,
        participant_id=participant_id,
        programme_id=programme_id,
        amount=Decimal(amount),
        settled_on=date(2027, 5, 2),
    )
    return envelope_for(payload, source="/services/marketplace", subject=settlement_id, sequence=1).to_bytes()


async def test_the_record_lists_certificates_and_sums_premi_exactly_once_per_settlement(
    infrastructure: Infrastructure, namespace: str, enrolment: RunningService
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES, "attendance:write", "assessments:write")
    participant, programme = await completed_participant(enrolment, staff)
    topic = f"{namespace}marketplace.events"
    first = settled("s-1", participant, programme["id"], "12500.50")
    await publish(
        infrastructure,
        topic,
        [
            (b"s-1", first),
            (b"s-1", settled("s-1", participant, programme["id"], "12500.50")),
            (b"s-2", settled("s-2", participant, programme["id"], "7499.50")),
        ],
    )
    url = f"/participants/{participant}/training-record"

    async def both_settled() -> dict[str, Any] | None:
        record: dict[str, Any] = (await enrolment.http.get(url, headers=staff)).json()
        return record if len(record["premi"]) == 2 else None

    record = await eventually(both_settled)
    assert record["premi_owed"] == {"IDR": "20000.00"}
    [line] = record["programmes"]
    assert (line["state"], line["attendance_rate"], line["certificate_number"]) == (
        "completed",
        1.0,
        programme["certificate_number"],
    )

    page = await enrolment.http.get(f"{url}.html", headers=staff)
    assert page.headers["content-type"].startswith("text/html")
    assert "Dedi &lt;Setiawan&gt;" in page.text
    assert programme["certificate_number"] in page.text
    assert "IDR 20,000.00" in page.text


async def test_another_facilitys_officer_cannot_read_the_record(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    participant = await registered_participant(enrolment, staff, facility_id="rutan-serang")
    cilegon = await enrolment.mint_key("participants:read", facility_id="lapas-cilegon")
    assert (
        await enrolment.http.get(f"/participants/{participant}/training-record", headers=cilegon)
    ).status_code == 404
