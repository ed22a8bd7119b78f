"""Endpoints managed by the agency's own key: bad input names its field, other agencies' endpoints are not
found, creation is safe to retry, test-sends show the answer, secrets rotate with an overlap, integrators
subscribe to the public catalogue only, and a slow receiver never holds up a fast one."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.infrastructure import Infrastructure
from tests.support.notifications import (
    agency_key,
    endpoint,
    grant,
    listing_sold_out,
    listing_withdrawn,
    lot,
    programme,
    publish_events,
    site,
)
from tests.support.receivers import Receiver, receiving
from tests.support.services import RunningService, eventually


async def refused(service: RunningService, key: dict[str, str], body: dict[str, Any]) -> tuple[int, str, str]:
    answer = await service.http.post("/endpoints", json=body, headers=key)
    return answer.status_code, answer.headers["content-type"], answer.json().get("field", "")


async def test_bad_endpoints_are_refused_naming_the_field(webhooks: RunningService) -> None:
    await grant(webhooks, "dkpp", ["production.harvest.recorded"])
    key = await agency_key(webhooks, "dkpp")
    good = {"url": "http://127.0.0.1:9/hooks", "event_types": ["production.harvest.recorded"]}
    problem = "application/problem+json"
    for url in [
        "not a url",
        "ftp://127.0.0.1/x",
        "http://user:pw@127.0.0.1/x",
        "http://10.0.0.7/x",
        "http://169.254.169.254/latest",
        "http://[::ffff:10.0.0.1]/x",
        "http://[fe80::1]/x",
        "http://224.0.0.1/",
        "http://[fec0::1]/x",
        "http://a..b.example/x",
        "http://\u2603.example/x",
    ]:
        assert await refused(webhooks, key, {**good, "url": url}) == (422, problem, "url"), url
    assert await refused(webhooks, key, {**good, "event_types": ["tourism.trip.booked"]}) == (
        422,
        problem,
        "event_types",
    )
    outside = {**good, "event_types": ["enrolment.cohort.opened"]}
    assert await refused(webhooks, key, outside) == (422, problem, "event_types")
    staff = await webhooks.mint_key("endpoints:write")
    assert (await refused(webhooks, staff, good))[0] == 403


async def test_another_agencys_endpoint_and_deliveries_are_not_found(webhooks: RunningService) -> None:
    await grant(webhooks, "dkpp", ["production.*"])
    made = await endpoint(webhooks, await agency_key(webhooks, "dkpp"), "http://127.0.0.1:9/x", ["production.*"])
    other = await agency_key(webhooks, "dinas-perikanan")
    for path in ["", "/deliveries", "/attempts"]:
        assert (await webhooks.http.get(f"/endpoints/{made['id']}{path}", headers=other)).status_code == 404
    assert (await webhooks.http.post(f"/endpoints/{made['id']}/test-sends", headers=other)).status_code == 404
    assert (await webhooks.http.get("/endpoints", headers=other)).json()["items"] == []
    staff = await webhooks.mint_key("endpoints:read")
    assert [e["id"] for e in (await webhooks.http.get("/endpoints", headers=staff)).json()["items"]] == [made["id"]]


async def test_creating_an_endpoint_or_rotating_its_secret_with_an_idempotency_key_twice_does_it_once(
    webhooks: RunningService,
) -> None:
    await grant(webhooks, "dkpp", ["production.*"])
    key = {**await agency_key(webhooks, "dkpp"), "Idempotency-Key": "endpoint-1"}
    body = {"url": "http://127.0.0.1:9/x", "event_types": ["production.*"]}
    first = await webhooks.http.post("/endpoints", json=body, headers=key)
    again = await webhooks.http.post("/endpoints", json=body, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert len((await webhooks.http.get("/endpoints", headers=key)).json()["items"]) == 1
    rotating = {**key, "Idempotency-Key": "rotation-1"}
    path = f"/endpoints/{first.json()['id']}/secret-rotations"
    rotated = [(await webhooks.http.post(path, json={}, headers=rotating)).json()["secret"] for _ in range(2)]
    assert rotated[0] == rotated[1] != first.json()["secret"]


async def test_a_test_send_shows_the_receivers_answer_and_a_rotated_secret_overlaps_the_old_one(
    webhooks: RunningService,
) -> None:
    await grant(webhooks, "dkpp", ["production.*"])
    key = await agency_key(webhooks, "dkpp")
    async with receiving(Receiver()) as receiver:
        made = await endpoint(webhooks, key, receiver.url, ["production.*"])
        assert made["secret"].startswith("whsec_")
        sent = await webhooks.http.post(f"/endpoints/{made['id']}/test-sends", headers=key)
        assert (sent.json()["status"], sent.json()["answer"]) == (200, "ok")
        assert receiver.arrivals[0].verified(made["secret"])["type"] == "notifications.endpoint.tested"

        rotation = await webhooks.http.post(f"/endpoints/{made['id']}/secret-rotations", json={}, headers=key)
        new_secret = rotation.json()["secret"]
        expires = datetime.fromisoformat(rotation.json()["previous_secrets_expire_at"])
        assert timedelta(hours=23) < expires - datetime.now(UTC) <= timedelta(hours=24)
        await webhooks.http.post(f"/endpoints/{made['id']}/test-sends", headers=key)
        assert receiver.arrivals[1].verified(new_secret) == receiver.arrivals[1].verified(made["secret"])

        no_overlap = {"overlap_seconds": 0}
        newest = (
            await webhooks.http.post(f"/endpoints/{made['id']}/secret-rotations", json=no_overlap, headers=key)
        ).json()
        await webhooks.http.post(f"/endpoints/{made['id']}/test-sends", headers=key)
        assert receiver.arrivals[2].verified(newest["secret"])
        assert "v1," in receiver.arrivals[2].headers["webhook-signature"]
        assert len(receiver.arrivals[2].headers["webhook-signature"].split(" ")) == 2  # the first rotation's overlap


async def test_prefixes_and_filters_choose_the_events_and_integrators_get_the_public_catalogue_only(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    await grant(webhooks, "dinas-perikanan", ["*"])
    key = await agency_key(webhooks, "dinas-perikanan")
    integrator = await webhooks.mint_key("endpoints:read", "endpoints:write", integrator_id="e-katalog-banten")
    async with receiving(Receiver()) as lots, receiving(Receiver()) as catalogue:
        await endpoint(webhooks, key, lots.url, ["production.lot.*"], filters={"commodities": ["nila"]})
        assert (await refused(webhooks, integrator, {"url": catalogue.url, "event_types": ["production.*"]}))[
            2
        ] == "event_types"
        await endpoint(webhooks, integrator, catalogue.url, ["marketplace.listing.*"])
        await publish_events(
            infrastructure,
            namespace,
            [
                programme("perikanan", "dinas-perikanan"),
                site("kolam-1"),
                lot("lot-lele", "perikanan", "kolam-1", commodity="lele"),
                lot("lot-nila", "perikanan", "kolam-1", commodity="nila"),
                listing_sold_out("listing-1", "perikanan", "dinas-perikanan"),
                listing_withdrawn("listing-1", "perikanan", "dinas-perikanan"),
            ],
        )
        await eventually(lambda: _has(catalogue, 2))
        await eventually(lambda: _has(lots, 1))
        assert [arrival.event["subject"] for arrival in lots.delivered()] == ["lot-nila"]
        assert catalogue.types() == ["marketplace.listing.sold_out", "marketplace.listing.withdrawn"]


async def test_a_slow_receiver_does_not_delay_a_fast_one(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    await grant(webhooks, "dkpp", ["production.site.registered"])
    key = await agency_key(webhooks, "dkpp")
    async with receiving(Receiver(gate=asyncio.Event())) as slow, receiving(Receiver()) as fast:
        await endpoint(webhooks, key, slow.url, ["production.site.registered"], max_concurrency=2)
        await endpoint(webhooks, key, fast.url, ["production.site.registered"])
        await publish_events(infrastructure, namespace, [site(f"rak-{n}") for n in range(10)])
        await eventually(lambda: _has(fast, 10))
        assert len(slow.arrivals) == 2
        assert slow.answered == []
        assert slow.gate is not None
        slow.gate.set()
        await eventually(lambda: _has(slow, 10))


async def _has(receiver: Receiver, count: int) -> bool:
    return len(receiver.delivered()) >= count
