"""What the dashboards and alerts read at /metrics: business figures, consumer lag by group, readiness."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from prometheus_client.parser import text_string_to_metric_families

from services.enrolment.metrics import measure_figures as measure_enrolment
from services.marketplace.metrics import measure_figures as measure_marketplace
from services.production.metrics import measure_figures as measure_production
from tests.support.enrolment import STAFF_SCOPES, enrol, opened_cohort, published_programme, registered_participant
from tests.support.infrastructure import Infrastructure
from tests.support.marketplace import Season, draft_of, learn, published, reserved
from tests.support.participants import new_registration
from tests.support.production import created, pond
from tests.support.services import RunningService, eventually

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
BUYER = {"name": "Koperasi Maju Bersama", "contact": "+62 812 0000 0000"}
PAID = {"payment_method": "transfer", "payment_reference": "TRX-1", "paid_on": "2026-11-02"}
HANDED = {"fulfilment": "pickup", "fulfilled_on": "2026-11-03"}


async def scraped(service: RunningService) -> Samples:
    response = await service.http.get("/metrics")
    assert response.status_code == 200, response.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


async def test_enrolments_by_state_count_every_state_and_readiness_is_exported_per_check(
    enrolment: RunningService,
) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    programme = await published_programme(enrolment, staff)
    cohort = await opened_cohort(enrolment, staff, programme["id"], capacity=1)
    first, second = [await registered_participant(enrolment, staff) for _ in range(2)]
    assert (await enrol(enrolment, staff, first, cohort["id"]))["state"] == "approved"
    assert (await enrol(enrolment, staff, second, cohort["id"]))["state"] == "waitlisted"

    await measure_enrolment(enrolment.runtime.database)
    samples = await scraped(enrolment)
    assert value(samples, "enrolment_enrolments", state="approved") == 1
    assert value(samples, "enrolment_enrolments", state="waitlisted") == 1
    assert value(samples, "enrolment_enrolments", state="completed") == 0
    for check in ("mongodb", "kafka", "consumer"):
        assert value(samples, "readiness_check_ok", service="enrolment", check=check) in (0, 1)
    assert value(samples, "readiness_check_ok", service="enrolment", check="mongodb") == 1


async def test_consumer_lag_is_labelled_by_group_topic_and_partition(
    namespace: str, enrolment: RunningService, production: RunningService
) -> None:
    officer = await enrolment.mint_key("participants:write")
    registered = await enrolment.http.post("/participants", json=new_registration(), headers=officer)
    assert registered.status_code == 201, registered.text
    participant = registered.json()["id"]
    read_model = production.runtime.database.db["participants"]
    await eventually(lambda: read_model.find_one({"_id": participant}))

    async def lag_of_every_partition() -> dict[str, float]:
        samples = await scraped(production)
        group, topic = f"{namespace}production", f"{namespace}enrolment.events"
        lags = {
            labels["partition"]: found
            for (name, frozen), found in samples.items()
            if name == "consumer_lag_messages" and (labels := dict(frozen))["group"] == group
            if labels["topic"] == topic and labels["service"] == "production"
        }
        return lags if len(lags) == 3 else {}

    lags = await eventually(lag_of_every_partition)
    assert set(lags) == {"0", "1", "2"}
    assert all(lag >= 0 for lag in lags.values())


async def test_listings_live_orders_by_status_and_premi_settled_follow_the_marketplace(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    buyer, manager = await marketplace.mint_key("orders:write"), await marketplace.mint_key("orders:manage")
    season = Season()
    lot = season.released(str(uuid4()), "10", harvest_id="h1", best_before=date(2026, 12, 1))
    await learn(infrastructure, namespace, production=[season.site(), lot], enrolment=[season.programme()])
    draft = await draft_of(marketplace, officer)
    listing = await published(marketplace, officer, draft["id"], minimum_order="1")
    order = {"lines": [{"listing_id": listing["id"], "quantity": "2"}], "buyer": BUYER}
    sold, held = [(await marketplace.http.post("/orders", json=order, headers=buyer)).json() for _ in range(2)]
    await reserved(infrastructure, namespace, marketplace, sold, manager)
    for step, body in (("confirm", PAID), ("fulfil", HANDED)):
        done = await marketplace.http.post(f"/orders/{sold['id']}/{step}", json=body, headers=manager)
        assert done.status_code == 200, done.text

    async def measured() -> Samples | None:
        await measure_marketplace(marketplace.runtime.database)
        samples = await scraped(marketplace)
        return samples if value(samples, "marketplace_premi_settled_rupiah") else None

    samples = await eventually(measured)
    assert value(samples, "marketplace_listings_live") == 1
    assert value(samples, "marketplace_orders", status="fulfilled") == 1
    assert value(samples, "marketplace_orders", status="held") == 1
    assert value(samples, "marketplace_orders", status="cancelled") == 0
    assert value(samples, "marketplace_premi_settled_rupiah") == sold["total"] * 50 // 100
    assert held["status"] == "held"


async def test_the_mass_harvested_this_month_counts_this_months_harvests_in_kg_only(
    production: RunningService,
) -> None:
    officer = await production.mint_key("production:write", "production:read")
    today = datetime.now(UTC).date()
    last_month = today.replace(day=1) - timedelta(days=1)
    water = await created(production, "/sites", pond(), officer)
    stocking = {"site_id": water["id"], "programme_id": "perikanan-lele-2026", "commodity": "lele"}
    cycle = await created(
        production, "/cycles", {**stocking, "started_on": str(last_month), "stocked_count": 900}, officer
    )
    for day, amount, unit in ((last_month, "10", "kg"), (today, "1500", "g"), (today, "2.25", "kg")):
        harvest = {"harvested_on": str(day), "quantity": amount, "unit": unit, "fish_count": 10}
        await created(production, f"/cycles/{cycle['id']}/harvests", harvest, officer)

    await measure_production(production.runtime.database)
    assert value(await scraped(production), "production_harvested_this_month_kilograms") == 3.75
