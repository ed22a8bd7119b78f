"""The catalogue as integrators use it: mirrored by cursor with tombstones, cached by ETag, read as JSON-LD, from
the compacted topic, rate-limited per client."""

import base64
import io
import os
from typing import Any
from uuid import uuid4

import pymongo
from aiokafka import AIOKafkaConsumer
from PIL import Image

from services.marketplace.main import MarketplaceSettings, create_app
from shared.messaging.envelope import Envelope
from shared.messaging.kafka import PLAINTEXT, partitions_of
from tests.support.infrastructure import Infrastructure
from tests.support.marketplace import Season, draft_of, learn, published
from tests.support.services import RunningService, eventually, serving, settings_for


async def two_listings(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService, officer: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    season = Season()
    lots = [
        season.released(str(uuid4()), "10", harvest_id="h1"),
        season.released(str(uuid4()), "30", harvest_id="h2", product="lele"),
    ]
    await learn(infrastructure, namespace, production=[season.site(), *lots], enrolment=[season.programme()])
    kangkung = await published(marketplace, officer, (await draft_of(marketplace, officer))["id"])
    lele = await draft_of(marketplace, officer, "lele")
    lele = await published(marketplace, officer, lele["id"], title="Lele segar", category="fish", price=28000)
    return kangkung, lele


async def mirror(marketplace: RunningService, cursor: str | None, into: dict[str, Any]) -> str | None:
    """Follow the catalogue's changes from `cursor`, as an integrator's mirror would."""
    while True:
        params = {"updated_since": "2000-01-01T00:00:00Z", **({"after": cursor} if cursor else {})}
        page = (await marketplace.http.get("/listings", params=params)).json()
        for item in page["items"]:
            if item["status"] == "withdrawn":
                into.pop(item["listing_id"], None)
            else:
                into[item["listing_id"]] = item
        cursor = page["next_cursor"]
        if not page["more"]:
            return cursor


async def test_a_mirror_following_the_cursor_equals_the_catalogue_after_every_change(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    kangkung, lele = await two_listings(infrastructure, namespace, marketplace, officer)
    mirrored: dict[str, Any] = {}
    cursor = await mirror(marketplace, None, mirrored)
    assert set(mirrored) == {kangkung["id"], lele["id"]}
    await marketplace.http.patch(f"/listings/{lele['id']}", json={"price": 30000}, headers=officer)
    await marketplace.http.post(f"/listings/{kangkung['id']}/withdraw", json={"reason": "habis"}, headers=officer)
    cursor = await mirror(marketplace, cursor, mirrored)
    catalogue = {item["listing_id"]: item for item in (await marketplace.http.get("/listings")).json()["items"]}
    assert mirrored == catalogue
    assert mirrored[lele["id"]]["price"] == 30000
    assert (await mirror(marketplace, cursor, mirrored)) == cursor  # nothing new: the cursor stays put


async def test_an_unchanged_page_is_not_sent_again_and_a_listing_reads_as_schema_org_json_ld(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    kangkung, _ = await two_listings(infrastructure, namespace, marketplace, officer)
    first = await marketplace.http.get("/listings", params={"category": "vegetables"})
    tag = first.headers["etag"]
    again = await marketplace.http.get("/listings", params={"category": "vegetables"}, headers={"If-None-Match": tag})
    assert (again.status_code, again.content) == (304, b"")
    await marketplace.http.patch(f"/listings/{kangkung['id']}", json={"price": 11000}, headers=officer)
    changed = await marketplace.http.get("/listings", params={"category": "vegetables"}, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert [item["price"] for item in changed.json()["items"]] == [11000]
    ld = await marketplace.http.get(f"/listings/{kangkung['id']}", headers={"Accept": "application/ld+json"})
    assert ld.headers["content-type"].startswith("application/ld+json")
    product = ld.json()
    assert (product["@type"], product["offers"]["price"], product["offers"]["priceCurrency"]) == (
        "Product",
        11000,
        "IDR",
    )
    assert product["offers"]["availability"] == "https://schema.org/InStock"


async def test_search_narrows_by_text_price_and_stock(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    kangkung, lele = await two_listings(infrastructure, namespace, marketplace, officer)

    async def found(**params: Any) -> list[str]:
        return [item["listing_id"] for item in (await marketplace.http.get("/listings", params=params)).json()["items"]]

    assert await found(q="LELE") == [lele["id"]]
    assert await found(price_max=20000) == [kangkung["id"]]
    assert await eventually(lambda: found(price_min=20000, in_stock=True, agency_id="dkpp")) == [lele["id"]]
    assert await found(agency_id="dinas-perikanan") == []
    bad = await marketplace.http.get("/listings", params={"after": "not-a-cursor"})
    assert (bad.status_code, bad.json()["field"]) == (422, "after")
    for params, field in (({"price_min": "-1"}, "query.price_min"), ({"limit": "0"}, "query.limit")):
        refused = await marketplace.http.get("/listings", params=params)
        assert (refused.status_code, refused.json()["field"]) == (422, field), refused.text


async def test_the_compacted_topic_read_from_the_start_equals_the_catalogue(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    kangkung, lele = await two_listings(infrastructure, namespace, marketplace, officer)
    await marketplace.http.patch(f"/listings/{lele['id']}", json={"price": 27000}, headers=officer)
    await marketplace.http.post(f"/listings/{kangkung['id']}/withdraw", json={"reason": "habis"}, headers=officer)
    catalogue = {item["listing_id"]: item for item in (await marketplace.http.get("/listings")).json()["items"]}

    async def bootstrapped() -> dict[str, Any] | None:
        latest = await latest_per_key(infrastructure, f"{namespace}marketplace.listings")
        state = {key: value for key, value in latest.items() if value is not None}
        return state if state.keys() == catalogue.keys() and kangkung["id"] in latest else None

    state = await eventually(bootstrapped)
    assert {key: {**value, "status": "published"} for key, value in state.items()} == catalogue


async def latest_per_key(infrastructure: Infrastructure, topic: str) -> dict[str, dict[str, Any] | None]:
    """What a client bootstrapping from the compacted topic keeps: the last value per key (None: tombstone)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=infrastructure.kafka_bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    latest: dict[str, dict[str, Any] | None] = {}
    try:
        partitions = await partitions_of(
            topic, security=PLAINTEXT, bootstrap_servers=infrastructure.kafka_bootstrap_servers
        )
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        for records in (await consumer.getmany(timeout_ms=1500)).values():
            for record in records:
                state = None if record.value is None else Envelope.from_bytes(record.value).data
                latest[record.key.decode()] = state
    finally:
        await consumer.stop()
    return latest


async def test_photos_are_checked_to_be_images_and_served_with_caching_headers(
    infrastructure: Infrastructure, namespace: str, marketplace: RunningService
) -> None:
    officer = await marketplace.mint_key("listings:write")
    kangkung, _ = await two_listings(infrastructure, namespace, marketplace, officer)
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 60)).save(picture, format="PNG")
    url = f"/listings/{kangkung['id']}/photos"
    noise = io.BytesIO()  # random pixels barely compress: 2.3 MB, above the 2 MB a photo may weigh
    Image.frombytes("RGB", (900, 850), os.urandom(900 * 850 * 3)).save(noise, format="PNG")
    for body, words in (
        (b"GIF89a not really", "not a JPEG, PNG or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "not a JPEG, PNG or WebP"),
        (noise.getvalue(), "at most 2000000 bytes"),
    ):
        refused = await marketplace.http.post(url, content=body, headers={**officer, "Content-Type": "image/png"})
        assert (refused.status_code, refused.json()["field"]) == (422, "body"), refused.text
        assert words in refused.json()["detail"]
    added = await marketplace.http.post(
        url, content=picture.getvalue(), headers={**officer, "Content-Type": "image/png"}
    )
    assert added.status_code == 201, added.text
    [photo_id] = added.json()["photo_ids"]
    served = await marketplace.http.get(f"{url}/{photo_id}")
    assert (served.status_code, served.headers["content-type"], served.content) == (
        200,
        "image/png",
        picture.getvalue(),
    )
    assert "immutable" in served.headers["cache-control"]
    cached = await marketplace.http.get(f"{url}/{photo_id}", headers={"If-None-Match": served.headers["etag"]})
    assert cached.status_code == 304


async def test_anonymous_readers_are_rate_limited_and_a_key_raises_the_limit(
    infrastructure: Infrastructure, namespace: str
) -> None:
    # per day, not per minute: a sliding window counter weighs the window before, and a minute's boundary
    # falling between the requests would let one more through
    settings = settings_for(
        MarketplaceSettings,
        infrastructure,
        namespace,
        catalogue_rate_anonymous="3/day",
        catalogue_rate_keyed="6/day",
    )
    async with serving(create_app(settings)) as marketplace:
        integrator = await marketplace.mint_key("orders:write", name="e-katalog")
        anonymous = [(await marketplace.http.get("/listings")).status_code for _ in range(4)]
        keyed = [(await marketplace.http.get("/listings", headers=integrator)).status_code for _ in range(7)]
        limited = await marketplace.http.get("/listings")
    assert (anonymous, keyed) == ([200, 200, 200, 429], [200] * 6 + [429])
    assert limited.headers["content-type"] == "application/problem+json"
    assert int(limited.headers["retry-after"]) >= 1


async def test_a_cursor_naming_a_position_beyond_int64_is_refused_naming_after(marketplace: RunningService) -> None:
    for position in (str(2**63), "9" * 25, "\u00b2"):
        cursor = base64.urlsafe_b64encode(f"listings:{position}".encode()).decode().rstrip("=")
        refused = await marketplace.http.get("/listings", params={"after": cursor})
        assert (refused.status_code, refused.json()["field"]) == (422, "after"), refused.text
    largest = base64.urlsafe_b64encode(f"listings:{2**63 - 1}".encode()).decode().rstrip("=")
    assert (await marketplace.http.get("/listings", params={"after": largest})).json()["items"] == []


async def test_a_search_scanning_past_its_time_limit_answers_a_503_problem_rather_than_running_on(
    infrastructure: Infrastructure, namespace: str
) -> None:
    settings = settings_for(MarketplaceSettings, infrastructure, namespace, mongodb_query_timeout_ms=60)
    async with serving(create_app(settings)) as marketplace:
        # an unanchored regex that matches nothing reads every published listing: far more than 60 ms of work
        listings = [
            {
                "_id": str(uuid4()),
                "product": f"p{n}",
                "status": "published",
                "search": f"kangkung {n} " * 8,
                "position": n,
            }
            for n in range(150_000)
        ]
        with pymongo.timeout(300):  # the setup's own deadline: 150,000 inserts may outlast the service's 10 s
            await marketplace.runtime.database.db["listings"].insert_many(listings, ordered=False)
        scan = await marketplace.http.get("/listings", params={"q": "tidak ada"})

    assert scan.status_code == 503, scan.text
    assert scan.headers["content-type"] == "application/problem+json"
    assert scan.json()["type"].endswith(":database-timeout")
    assert scan.headers["retry-after"] == "1"


async def test_the_answers_kept_are_keyed_by_the_parameters_a_search_reads(marketplace: RunningService) -> None:
    pages = marketplace.app.state.rendered_pages
    assert (await marketplace.http.get("/listings", params={"category": "fish", "limit": 5})).status_code == 200
    kept = pages.kept_bytes
    for n in range(20):
        params = {"limit": 5, "category": "fish", f"unread{n}": "x" * 500}
        assert (await marketplace.http.get("/listings", params=params)).status_code == 200
    assert pages.kept_bytes == kept
