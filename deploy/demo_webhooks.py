"""The demo's webhooks for `make run`: one endpoint per agency, pointing at the demo receiver."""

import os
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from shared.http.api_keys import ApiKeys

AGENCIES = ("dkpp", "dinas-perikanan", "diskoperindag")


async def demo_endpoints(admin_key: str, kept: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """One webhook endpoint per agency (but those `kept` from an earlier run), pointing at the demo receiver,
    made before any demo event so that the receiver's log shows them all; with their secrets."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(os.environ["MONGODB_URL"], tz_aware=True)
    staff = {"X-API-Key": admin_key}
    async with httpx.AsyncClient(base_url=os.environ["NOTIFICATIONS_URL"], headers=staff, timeout=30) as http:
        for agency_id in [agency for agency in AGENCIES if agency not in kept]:
            grant = {"event_types": ["enrolment.*", "production.*", "marketplace.*"]}
            (await http.put(f"/subscriptions/{agency_id}", json=grant)).raise_for_status()
            attributes = {"agency_id": agency_id}
            token = await ApiKeys(client["notifications"]).mint(
                name=f"{agency_id}-webhooks", scopes=["endpoints:read", "endpoints:write"], attributes=attributes
            )
            hooked = {"url": f"{os.environ['RECEIVER_URL']}/hooks/{agency_id}", "event_types": grant["event_types"]}
            made = await http.post("/endpoints", json=hooked, headers={"X-API-Key": token})
            made.raise_for_status()
            kept[agency_id] = {"endpoint_id": made.json()["id"], "secret": made.json()["secret"]}
    await client.close()
    return kept
