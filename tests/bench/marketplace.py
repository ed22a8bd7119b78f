"""`make bench`, marketplace part: catalogue search against a bare FastAPI app, and orders at the last units.

Prints figures; asserts nothing about speed.
  1. a bare FastAPI app under uvicorn as a process: the yardstick (wrk, 1 thread, 32 connections).
  2. GET /listings searching 60 published listings by text and by category and price, the same way.
  3. orders per second: 200 buyers at once for the last 10 units of one listing (10 sell, 190 are refused),
     and 32 at once taking one unit each from a listing with plenty, both over real HTTP.
The marketplace runs as its own process, stocked through production's events on the real broker.
"""

import asyncio
import os
import time
from typing import Any
from uuid import uuid4

import httpx
from pymongo import AsyncMongoClient

from shared.http.api_keys import ApiKeys
from shared.messaging.kafka import PLAINTEXT, ensure_topics
from tests.bench.http_reads import BARE_PORT, CONNECTIONS, Measured, measure, report, start_bare_app, wait_answering
from tests.support.infrastructure import Infrastructure, forget
from tests.support.kafka import publish
from tests.support.marketplace import COMPLETE, Season
from tests.support.processes import start_service, stop_all, wait_ready

KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
MONGODB = os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017")
MARKETPLACE_PORT = 18113
PRODUCTS = 60
BUYERS = 200
LAST_UNITS = 10
PLENTY_ORDERS = 400


async def stocked(http: httpx.AsyncClient, namespace: str) -> list[dict[str, Any]]:
    """PRODUCTS listings of one facility, one lot each, published: the catalogue the bench searches."""
    season, topic = Season(), f"{namespace}production.events"
    await ensure_topics([topic], security=PLAINTEXT, bootstrap_servers=KAFKA)
    lots = [
        season.released(str(uuid4()), "500", harvest_id=f"h-{n}", product=f"sayur_{n:02d}", unit="kg")
        for n in range(PRODUCTS)
    ]
    await publish(Infrastructure(KAFKA, MONGODB), topic, [season.site(), *lots])
    for _ in range(600):
        answer = await http.get("/manage/listings", params={"limit": 200})
        if answer.status_code != 200:
            raise RuntimeError(f"listing the drafts: {answer.status_code} {answer.text}")
        drafts = answer.json()["items"]
        if len(drafts) == PRODUCTS:
            break
        await asyncio.sleep(0.1)
    else:
        raise RuntimeError("the lots never stocked their listings")
    for n, draft in enumerate(drafts):
        body = {**COMPLETE, "title": f"Sayur segar nomor {n}", "price": 5000 + 500 * n}
        await http.patch(f"/listings/{draft['id']}", json=body)
        await http.post(f"/listings/{draft['id']}/publish")
    return drafts


async def orders_per_second(
    base_url: str, buyer: dict[str, str], listing_id: str, count: int, at_once: int
) -> tuple[float, int]:
    """`count` one-unit orders of a listing, `at_once` at a time: orders answered per second, and how many sold."""
    order = {"lines": [{"listing_id": listing_id, "quantity": "1"}], "buyer": {"name": "Bench", "contact": "0000"}}
    gate = asyncio.Semaphore(at_once)
    async with httpx.AsyncClient(
        base_url=base_url, headers=buyer, timeout=120, limits=httpx.Limits(max_connections=at_once)
    ) as http:

        async def place() -> int:
            async with gate:
                return (await http.post("/orders", json=order)).status_code

        started = time.perf_counter()
        statuses = await asyncio.gather(*(place() for _ in range(count)))
        elapsed = time.perf_counter() - started
    return count / elapsed, statuses.count(201)


async def main() -> None:
    namespace = f"benchmarket{uuid4().hex[:8]}_"
    client: AsyncMongoClient[Any] = AsyncMongoClient(MONGODB, tz_aware=True)
    # one bench buyer places every order: neither the rate limit nor the bound on what one key holds applies
    unlimited = {
        "catalogue_rate_anonymous": "100000000/minute",
        "order_holds_per_key": "1000000",
        "order_hold_share_percent": "100",
    }
    processes = [start_bare_app()]
    base_url = f"http://127.0.0.1:{MARKETPLACE_PORT}"
    try:
        await wait_answering(f"http://127.0.0.1:{BARE_PORT}/ping")
        bare = measure(f"http://127.0.0.1:{BARE_PORT}/ping")
        processes.append(
            start_service("marketplace", MARKETPLACE_PORT, namespace, kafka=KAFKA, mongodb=MONGODB, **unlimited)
        )
        await wait_ready(base_url)
        keys = ApiKeys(client[f"{namespace}marketplace"])
        admin = {"X-API-Key": await keys.mint(name="bench-admin", scopes=["admin"])}
        buyer = {"X-API-Key": await keys.mint(name="bench-buyer", scopes=["orders:write"])}
        async with httpx.AsyncClient(base_url=base_url, headers=admin, timeout=60) as http:
            listings = await stocked(http, namespace)
        await searches_and_orders(base_url, bare, admin, buyer, [listing["id"] for listing in listings])
    finally:
        stop_all(processes)
        await client.close()
        await forget(Infrastructure(KAFKA, MONGODB), namespace)


async def searches_and_orders(
    base_url: str, bare: Measured, admin: dict[str, str], buyer: dict[str, str], listing_ids: list[str]
) -> None:
    """Catalogue searches against the bare app, then orders at the last units and from plenty."""
    by_text = measure(f"{base_url}/listings?q=nomor%201&limit=20")
    by_price = measure(f"{base_url}/listings?category=vegetables&price_min=10000&in_stock=true&limit=20")
    print(f"Marketplace: wrk, 1 thread, {CONNECTIONS} connections, {PRODUCTS} published listings")
    report("bare FastAPI GET /ping", bare, bare)
    report("GET /listings?q= (text search)", by_text, bare)
    report("GET /listings?category&price&in_stock", by_price, bare)
    last, plentiful = listing_ids[:2]
    async with httpx.AsyncClient(base_url=base_url, headers=admin) as http:
        await take_all_but(http, buyer, last, LAST_UNITS)
    contended, sold = await orders_per_second(base_url, buyer, last, BUYERS, BUYERS)
    name = f"orders, {BUYERS} at once for the last {LAST_UNITS} units"
    print(f"{name:<40} {contended:>8,.0f} answers/s  sold {sold} of {LAST_UNITS}")
    plenty, sold = await orders_per_second(base_url, buyer, plentiful, PLENTY_ORDERS, CONNECTIONS)
    name = f"orders, {CONNECTIONS} at once from plenty of stock"
    print(f"{name:<40} {plenty:>8,.0f} orders/s   sold {sold} of {PLENTY_ORDERS}")


async def take_all_but(http: httpx.AsyncClient, buyer: dict[str, str], listing_id: str, left: int) -> None:
    """One order taking a listing's stock down to its last `left` units."""
    stock = (await http.get(f"/listings/{listing_id}")).json()["stock"]
    order = {
        "lines": [{"listing_id": listing_id, "quantity": str(int(float(stock)) - left)}],
        "buyer": {"name": "Bench", "contact": "0000"},
    }
    answer = await http.post("/orders", json=order, headers=buyer)
    if answer.status_code != 201:
        raise RuntimeError(f"could not take the stock down: {answer.text}")


if __name__ == "__main__":
    asyncio.run(main())
