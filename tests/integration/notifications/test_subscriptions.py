"""An agency's key reads from the event feed only what its agency subscribed to; platform staff read it all."""

from typing import Any

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import publish, registered
from tests.support.services import RunningService, eventually

SEED = {
    "agency_id": "dkpp",
    "kind": "seed",
    "item": "kangkung",
    "quantity": "1",
    "unit": "kg",
    "received_on": "2026-12-01",
}


async def types_read(notifications: RunningService, headers: dict[str, str], **params: Any) -> list[str]:
    response = await notifications.http.get("/events", params={"limit": 500, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return sorted({entry["type"] for entry in response.json()["events"]})


async def test_an_agency_reads_only_the_event_types_it_subscribed_to(
    infrastructure: Infrastructure, namespace: str, production: RunningService, notifications: RunningService
) -> None:
    officer = await production.mint_key("production:write")
    await production.http.post("/inputs", json=SEED, headers=officer)
    await publish(infrastructure, f"{namespace}enrolment.events", [(b"p-1", registered("p-1"))])
    staff = await notifications.mint_key("events:read", "subscriptions:write")

    async def staff_read_both() -> bool:
        return await types_read(notifications, staff) == [
            "enrolment.participant.registered",
            "production.input.received",
        ]

    await eventually(staff_read_both)

    dkpp = await notifications.mint_key("events:read", agency_id="dkpp")
    unsubscribed = await notifications.http.get("/events", headers=dkpp)
    assert (unsubscribed.status_code, unsubscribed.headers["content-type"]) == (403, "application/problem+json")
    subscribing = {"event_types": ["production.input.received"]}
    made = await notifications.http.put("/subscriptions/dkpp", json=subscribing, headers=staff)
    assert made.json() == {"agency_id": "dkpp", **subscribing, "all_programmes": False}
    assert await types_read(notifications, dkpp) == ["production.input.received"]
    assert await types_read(notifications, dkpp, type="enrolment.participant.registered") == []

    own = await notifications.http.get("/subscriptions/dkpp", headers=dkpp)
    assert own.json()["event_types"] == ["production.input.received"]
    other = await notifications.http.get("/subscriptions/dinas-perikanan", headers=dkpp)
    assert (other.status_code, other.json()["field"]) == (403, "agency_id")
    unknown = await notifications.http.put("/subscriptions/dkpp", json={"event_types": ["x.y.z"]}, headers=staff)
    assert (unknown.status_code, unknown.json()["field"]) == (422, "event_types")
    refused = await notifications.http.put("/subscriptions/dkpp", json=subscribing, headers=dkpp)
    assert refused.status_code == 403
