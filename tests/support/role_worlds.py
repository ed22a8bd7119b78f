"""Each service's world for the role table's walk (tests/integration/test_roles.py): a service trusting the
stand-in issuer, what the table's cells are about recorded there by platform staff, and the probes that ask."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any
from uuid import uuid4

from services.enrolment.main import EnrolmentSettings
from services.enrolment.main import create_app as create_enrolment
from services.marketplace.main import MarketplaceSettings
from services.marketplace.main import create_app as create_marketplace
from services.notifications.main import NotificationsSettings
from services.notifications.main import create_app as create_notifications
from services.production.main import ProductionSettings
from services.production.main import create_app as create_production
from shared.contracts.enrolment import ParticipantReleased
from tests.support import enrolment, notifications, production
from tests.support.infrastructure import Infrastructure
from tests.support.marketplace import Season, learn
from tests.support.services import RunningService, eventually, serving, settings_for

Probe = Callable[[RunningService, dict[str, str]], Awaitable[Any]]
PROGRAMME_EVENT, CUSTODY, PUBLIC = (
    "enrolment.programme.published",
    "enrolment.participant.released",
    "marketplace.listing.withdrawn",
)
ENDPOINT_OWNERS = {"dkpp", "dinas-perikanan", "e-katalog-banten"}
SERVICES: dict[str, tuple[Any, Any]] = {
    "enrolment": (EnrolmentSettings, create_enrolment),
    "production": (ProductionSettings, create_production),
    "marketplace": (MarketplaceSettings, create_marketplace),
    "notifications": (NotificationsSettings, create_notifications),
}


@asynccontextmanager
async def trusting(
    issuer_url: str, infrastructure: Infrastructure, namespace: str, name: str
) -> AsyncIterator[RunningService]:
    """The service `name` on the test's topics and database, accepting the tokens of the issuer at `issuer_url`
    (notifications as the webhook tests run it, so that endpoints on loopback may be registered)."""
    settings_class, create_app = SERVICES[name]
    overrides = notifications.FAST if name == "notifications" else {}
    settings = settings_for(settings_class, infrastructure, namespace, oidc_issuer=issuer_url, **overrides)
    async with serving(create_app(settings)) as service:
        yield service


def status_of(method: str, path: str, **request: Any) -> Probe:
    async def probe(service: RunningService, headers: dict[str, str]) -> int:
        return (await service.http.request(method, path, headers=headers, **request)).status_code

    return probe


def listed(
    path: str, field: str, items: Callable[[Any], list[Any]] = lambda body: body["items"], **request: Any
) -> Probe:
    """A list's status, and when it answers, the values of `field` across what it lists."""

    async def probe(service: RunningService, headers: dict[str, str]) -> int | tuple[int, set[Any]]:
        response = await service.http.get(path, headers=headers, **request)
        if response.status_code != 200:
            return response.status_code
        return 200, {item[field] for item in items(response.json())}

    return probe


async def answers(service: RunningService, headers: dict[str, str], probes: dict[str, Probe]) -> dict[str, Any]:
    """Each probe's answer to a caller, by the probe's name."""
    return {name: await probe(service, headers) for name, probe in probes.items()}


async def enrolment_world(service: RunningService) -> tuple[dict[str, Probe], str]:
    admin = await service.mint_key("admin")
    await enrolment.known_facility(service, admin, "lapas-cilegon")
    dkpp = await enrolment.published_programme(service, admin, agency_id="dkpp")
    fisheries = await enrolment.published_programme(service, admin, agency_id="dinas-perikanan")
    draft = {"name": "Draf", "skill_track": "agriculture", "duration_hours": 40, "sessions": 10}
    draft |= {"competencies": ["nutrient mixing"], "minimum_attendance_rate": 0.8, "earns_premi": False}
    drafts = [
        await enrolment.created(service, admin, "/programmes", {**draft, "agency_id": a})
        for a in ("dkpp", "dinas-perikanan")
    ]
    here = await enrolment.registered_participant(service, admin, facility_id="rutan-serang")
    there = await enrolment.registered_participant(service, admin, facility_id="lapas-cilegon")
    dkpp_cohort = await enrolment.opened_cohort(service, admin, dkpp["id"])
    fisheries_cohort = await enrolment.opened_cohort(
        service, admin, fisheries["id"], trainer_ids=["perikanan-trainer-1"]
    )
    await enrolment.enrol(service, admin, here, dkpp_cohort["id"])
    probes = {
        "serang participant": status_of("GET", f"/participants/{here}"),
        "cilegon participant": status_of("GET", f"/participants/{there}"),
        "dkpp draft": status_of("GET", f"/programmes/{drafts[0]['id']}"),
        "fisheries draft": status_of("GET", f"/programmes/{drafts[1]['id']}"),
        "dkpp cohort": status_of("GET", f"/cohorts/{dkpp_cohort['id']}"),
        "fisheries cohort": status_of("GET", f"/cohorts/{fisheries_cohort['id']}"),
        "dkpp figures": status_of("GET", f"/programmes/{dkpp['id']}/figures"),
        "every programme's figures": listed("/figures", "programme_id", lambda body: body),
    }
    return probes, dkpp["id"]


async def planted(service: RunningService, staff: dict[str, str], facility_id: str, programme_id: str) -> str:
    """A rack at the facility with a harvest of the programme; the rack's id."""
    site = await production.created(service, "/sites", production.rack(facility_id=facility_id), staff)
    planting = {
        "site_id": site["id"],
        "programme_id": programme_id,
        "commodity": "kangkung",
        "started_on": "2026-12-03",
    }
    cycle = await production.created(service, "/cycles", {**planting, "seed_quantity": "0.1", "seed_unit": "kg"}, staff)
    harvest = {"harvested_on": "2027-01-10", "quantity": "20", "unit": "kg"}
    await production.created(service, f"/cycles/{cycle['id']}/harvests", harvest, staff)
    return str(site["id"])


async def production_world(
    infrastructure: Infrastructure, namespace: str, service: RunningService
) -> tuple[dict[str, Probe], str, str]:
    admin = await service.mint_key("admin")
    dkpp, fisheries = f"dkpp-{uuid4().hex[:8]}", f"perikanan-{uuid4().hex[:8]}"
    published = [
        production.programme_published(dkpp, "dkpp"),
        production.programme_published(fisheries, "dinas-perikanan"),
    ]
    await learn(infrastructure, namespace, enrolment=published)
    serang = await planted(service, admin, "rutan-serang", dkpp)
    cilegon = await planted(service, admin, "lapas-cilegon", fisheries)

    async def agencies_learnt() -> bool:
        rows = (await service.http.get("/figures", headers=admin)).json()["programmes"]
        return {(row["programme_id"], row["agency_id"]) for row in rows} == {
            (dkpp, "dkpp"),
            (fisheries, "dinas-perikanan"),
        }

    await eventually(agencies_learnt)
    probes = {
        "serang site": status_of("GET", f"/sites/{serang}"),
        "cilegon site": status_of("GET", f"/sites/{cilegon}"),
        "sites": listed("/sites", "facility_id"),
        "figures": listed("/figures", "programme_id", lambda body: body["programmes"]),
    }
    return probes, dkpp, fisheries


async def marketplace_world(
    infrastructure: Infrastructure, namespace: str, service: RunningService
) -> dict[str, Probe]:
    admin = await service.mint_key("admin")
    serang, cilegon = Season(), Season(agency_id="dinas-perikanan", facility_id="lapas-cilegon")
    await learn(infrastructure, namespace, enrolment=[serang.programme(), cilegon.programme()])
    lots = [season.released(str(uuid4()), "3", harvest_id=str(uuid4())) for season in (serang, cilegon)]
    await learn(infrastructure, namespace, production=[serang.site(), cilegon.site(), *lots])
    terms = status_of(
        "PUT", f"/programmes/{serang.programme_id}/terms", json={"premi": 40, "pnbp": 0, "working_capital": 60}
    )

    async def learnt() -> bool:
        listings = (await service.http.get("/manage/listings", headers=admin)).json()["items"]
        return len(listings) == 2 and await terms(service, admin) == 200

    await eventually(learnt)
    return {
        "listings": listed("/manage/listings", "facility_id"),
        "settlement report": status_of(
            "GET", "/settlements/report", params={"start": "2026-01-01", "end": "2026-12-31"}
        ),
        "terms": terms,
        "orders": listed("/orders", "id"),
    }


async def notifications_world(
    infrastructure: Infrastructure, namespace: str, service: RunningService
) -> dict[str, Probe]:
    """Events of each kind in the feed; every agency granted `*`; an endpoint of two agencies and an integrator."""
    admin = await service.mint_key("admin")
    owners = {"agency_id": ("dkpp", "dinas-perikanan"), "integrator_id": ("e-katalog-banten",)}
    assert {owner for ids in owners.values() for owner in ids} == ENDPOINT_OWNERS
    for agency in owners["agency_id"]:
        granted = await service.http.put(f"/subscriptions/{agency}", json={"event_types": ["*"]}, headers=admin)
        assert granted.status_code == 200, granted.text
    for attribute, ids in owners.items():
        for owner in ids:
            key = await service.mint_key("endpoints:write", **{attribute: owner})
            await notifications.endpoint(service, key, f"http://127.0.0.1:9/hooks/{owner}", [PUBLIC])
    programme_id, participant_id = str(uuid4()), str(uuid4())
    released = ParticipantReleased(
        participant_id=participant_id, facility_id="rutan-serang", released_on=date(2026, 12, 1)
    )
    events = [
        notifications.programme(programme_id, "dkpp"),
        notifications.event(released, subject=participant_id),
        notifications.listing_withdrawn(str(uuid4()), programme_id, "dkpp"),
    ]
    await notifications.publish_events(infrastructure, namespace, events)
    feed = listed("/events", "type", lambda body: body["events"], params={"limit": 500})

    async def fed() -> bool:
        return await feed(service, admin) == (200, {PROGRAMME_EVENT, CUSTODY, PUBLIC})

    await eventually(fed)
    return {
        "feed": feed,
        "endpoints": listed("/endpoints", "owner_id"),
        "grant": status_of("PUT", "/subscriptions/dkpp", json={"event_types": ["*"]}),
    }
