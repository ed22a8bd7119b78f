"""The demo marketplace for `make run`: the demo season's lots listed and published, an order in every state, and
a fulfilled sale settled, whose premi lands on the credited participants' training records.

Runs after the season is recorded: the marketplace learns the lots from production's events, asynchronously,
so it waits (at most LISTING_WAIT_SECONDS) for each product's draft listing to appear.
"""

import asyncio
from datetime import date
from typing import Any

import httpx

FACILITY = "rutan-serang"
LISTING_WAIT_SECONDS = 60.0
PERMITS = {"pirt_number": "P-IRT 2063604010123-29", "halal_number": "ID36110000123450924"}
LISTINGS: dict[tuple[str, str], dict[str, Any]] = {  # (product, unit): what officers complete
    ("kangkung", "kg"): {
        "title": "Kangkung hidroponik segar",
        "description": "Dipanen pagi hari dari rak hidroponik Rutan Kelas IIB Serang, tanpa pestisida.",
        "category": "vegetables",
        "price": 12000,
        "minimum_order": "0.5",
    },
    ("pakcoy", "bunches"): {
        "title": "Pakcoy hidroponik",
        "description": "Pakcoy segar per ikat, hasil pelatihan hidroponik bersama DKPP Kabupaten Serang.",
        "category": "vegetables",
        "price": 5000,
        "minimum_order": "1",
    },
    ("lele", "kg"): {
        "title": "Lele segar konsumsi",
        "description": "Lele ukuran konsumsi (6-8 ekor per kg) dari kolam binaan Dinas Perikanan.",
        "category": "fish",
        "price": 28000,
        "minimum_order": "1",
    },
    ("keripik singkong", "units"): {
        "title": "Keripik singkong renyah 200 g",
        "description": "Keripik singkong gurih dalam standing pouch 200 g, produksi bengkel makanan ringan.",
        "category": "processed_food",
        "price": 15000,
        "minimum_order": "5",
        **PERMITS,
    },
}
BUYERS = [
    {"name": "Koperasi Pegawai Pemkab Serang", "contact": "kopeg@serangkab.go.id"},
    {"name": "Warung Bu Sri", "contact": "+62 812 0000 1111"},
    {"name": "Katering Sehat Banten", "contact": "+62 813 0000 2222"},
    {"name": "Toko Oleh-oleh Serang", "contact": "+62 811 0000 3333"},
]
FISHERIES_TERMS = {"premi": 40, "pnbp": 0, "working_capital": 60}


async def load_market(marketplace: httpx.AsyncClient, fisheries_programme_id: str) -> dict[str, Any]:
    """Publish the season's listings and walk an order through each state. Returns what was done."""
    listings = {key: await _published(marketplace, key, values) for key, values in LISTINGS.items()}
    await _ok(marketplace.put(f"/programmes/{fisheries_programme_id}/terms", json=FISHERIES_TERMS))
    kangkung, lele = listings[("kangkung", "kg")], listings[("lele", "kg")]
    keripik = listings[("keripik singkong", "units")]
    today = date.today().isoformat()
    fulfilled = await _reserved(marketplace, await _order(marketplace, BUYERS[0], [(kangkung, "10"), (lele, "15")]))
    await _ok(
        marketplace.post(
            f"/orders/{fulfilled}/confirm",
            json={"payment_method": "transfer", "payment_reference": "BJB-7781200", "paid_on": today},
        )
    )
    await _ok(marketplace.post(f"/orders/{fulfilled}/fulfil", json={"fulfilment": "pickup", "fulfilled_on": today}))
    confirmed = await _reserved(marketplace, await _order(marketplace, BUYERS[1], [(keripik, "20")]))
    await _ok(
        marketplace.post(
            f"/orders/{confirmed}/confirm",
            json={"payment_method": "qris", "payment_reference": "QRIS-20261129-01", "paid_on": today},
        )
    )
    cancelled = await _order(marketplace, BUYERS[2], [(lele, "5")])
    await _ok(marketplace.post(f"/orders/{cancelled}/cancel", json={"reason": "pembeli membatalkan"}))
    held = await _order(marketplace, BUYERS[3], [(keripik, "10"), (listings[("pakcoy", "bunches")], "5")])
    return {
        "listings": len(listings),
        "orders": {"fulfilled": fulfilled, "confirmed": confirmed, "cancelled": cancelled, "held": held},
    }


async def _published(marketplace: httpx.AsyncClient, key: tuple[str, str], values: dict[str, Any]) -> str:
    listing_id = await _draft(marketplace, *key)
    await _ok(marketplace.patch(f"/listings/{listing_id}", json=values))
    answer = await marketplace.post(f"/listings/{listing_id}/publish")
    if answer.status_code not in (200, 409):  # 409: published by an earlier run
        raise RuntimeError(f"publishing {key}: {answer.status_code} {answer.text}")
    return listing_id


async def _draft(marketplace: httpx.AsyncClient, product: str, unit: str) -> str:
    deadline = asyncio.get_running_loop().time() + LISTING_WAIT_SECONDS
    while True:
        found = (await _ok(marketplace.get("/manage/listings", params={"limit": 200})))["items"]
        for listing in found:
            if (listing["product"], listing["unit"], listing["facility_id"]) == (product, unit, FACILITY):
                return str(listing["id"])
        if asyncio.get_running_loop().time() > deadline:
            raise RuntimeError(f"no listing of {product} ({unit}) appeared within {LISTING_WAIT_SECONDS:.0f} s")
        await asyncio.sleep(0.5)


async def _order(marketplace: httpx.AsyncClient, buyer: dict[str, str], lines: list[tuple[str, str]]) -> str:
    body = {"lines": [{"listing_id": listing, "quantity": quantity} for listing, quantity in lines], "buyer": buyer}
    return str((await _ok(marketplace.post("/orders", json=body)))["id"])


async def _reserved(marketplace: httpx.AsyncClient, order_id: str) -> str:
    """The order once production has reserved every lot it holds: only then can it be paid."""
    deadline = asyncio.get_running_loop().time() + LISTING_WAIT_SECONDS
    while True:
        order = await _ok(marketplace.get(f"/orders/{order_id}"))
        if all(lot["reservation"] == "reserved" for line in order["lines"] for lot in line["lots"]):
            return order_id
        if asyncio.get_running_loop().time() > deadline:
            raise RuntimeError(f"production did not reserve order {order_id} within {LISTING_WAIT_SECONDS:.0f} s")
        await asyncio.sleep(0.2)


async def _ok(request: Any) -> Any:
    response: httpx.Response = await request
    if response.is_error:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text}"
        )
    return response.json()
