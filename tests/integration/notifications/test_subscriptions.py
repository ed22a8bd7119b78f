"""An agency's key reads from the event feed only what its agency subscribed to; platform staff read it all."""

from decimal import Decimal
from typing import Any
from uuid import uuid4

from shared.contracts.production import LotGraded
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import publish, registered
from tests.support.marketplace import Message, Season, learn, message
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


async def test_an_agency_reads_its_own_programmes_events_only_even_when_it_learns_whose_they_are_late(
    infrastructure: Infrastructure, namespace: str, notifications: RunningService
) -> None:
    staff = await notifications.mint_key("events:read", "subscriptions:write")
    for agency in ("dkpp", "dinas-perikanan"):
        grant = {"event_types": ["production.*", "enrolment.programme.*"]}
        assert (await notifications.http.put(f"/subscriptions/{agency}", json=grant, headers=staff)).status_code == 200
    dkpp = await notifications.mint_key("events:read", agency_id="dkpp")
    fisheries = await notifications.mint_key("events:read", agency_id="dinas-perikanan")
    greens, fish, lot = Season("dkpp"), Season("dinas-perikanan"), str(uuid4())
    # a distribution from a lot names neither programme nor agency: the lot's grading and the programme tell
    await learn(infrastructure, namespace, production=[greens.distributed(lot, "2", sequence=3), fish.site()])
    both = ["production.lot.distributed", "production.site.registered"]

    async def staff_reads_both() -> bool:
        return await types_read(notifications, staff) == both

    await eventually(staff_reads_both)
    for agency in (dkpp, fisheries):  # whose it is not known yet: the feed waits there
        assert "production.lot.distributed" not in await types_read(notifications, agency)

    await learn(infrastructure, namespace, production=[greens.site(), graded(greens, lot)])
    await learn(infrastructure, namespace, enrolment=[greens.programme(), fish.programme("Budidaya lele")])

    async def dkpp_reads_it() -> list[str]:
        found = await types_read(notifications, dkpp)
        return found if "production.lot.distributed" in found else []

    assert await eventually(dkpp_reads_it) == [
        "enrolment.programme.published",
        "production.lot.distributed",
        "production.lot.graded",
        "production.site.registered",
    ]

    async def fisheries_reads_its_own() -> bool:  # its programme may be learnt a batch after dkpp's
        return await types_read(notifications, fisheries) == [
            "enrolment.programme.published",
            "production.site.registered",
        ]

    await eventually(fisheries_reads_its_own)
    read = (await notifications.http.get("/events", params={"limit": 500}, headers=fisheries)).json()["events"]
    assert {entry["data"]["programme_id"] for entry in read if "programme_id" in entry["data"]} == {fish.programme_id}


def graded(season: Season, lot_id: str) -> Message:
    lot = LotGraded(
        lot_id=lot_id, lot_code="KK-1", source="harvest", source_id="h-1", cycle_id="c-1",
        programme_id=season.programme_id, site_id=season.site_id, commodity="kangkung", grade="A",
        quantity=Decimal(10), unit="kg", best_before=None,
    )  # fmt: skip
    return message(lot, lot_id, 1)
