"""Credentials rotated: a service's API key (a new one with the same name, scopes and attributes, then the old
revoked) and a webhook endpoint's signing secret, and a disabled endpoint re-enabled with what it missed sent."""

from typing import Any

import httpx
from pymongo import AsyncMongoClient

from shared.http.api_keys import ApiKeys


class NoSuchKey(LookupError):
    """No active key has this id."""


async def rotate_api_key(client: AsyncMongoClient[Any], database: str, key_id: str) -> tuple[str, str]:
    """A new key like `key_id` (its token, shown once) and the old one revoked; returns (new token, holder)."""
    keys = ApiKeys(client[database])
    old = next((key for key in await keys.listing() if key["_id"] == key_id and not key["revoked_at"]), None)
    if old is None:
        raise NoSuchKey(f"no active key {key_id} in {database}")
    token = await keys.mint(name=old["name"], scopes=old["scopes"], attributes=old["attributes"])
    await keys.revoke(key_id)
    return token, old["name"]


async def mint_api_key(
    client: AsyncMongoClient[Any], database: str, *, name: str, scopes: list[str], attributes: dict[str, str]
) -> str:
    """A new key's token, shown once."""
    return await ApiKeys(client[database]).mint(name=name, scopes=scopes, attributes=attributes)


async def revoke_api_key(client: AsyncMongoClient[Any], database: str, key_id: str) -> None:
    if not await ApiKeys(client[database]).revoke(key_id):
        raise NoSuchKey(f"no active key {key_id} in {database}")


async def api_key_lines(client: AsyncMongoClient[Any], database: str) -> list[str]:
    """One line a key: id, holder, scopes, and whether it is active."""
    return [
        f"{key['_id']}  {key['name']}  {','.join(key['scopes'])}  {'revoked' if key['revoked_at'] else 'active'}"
        for key in await ApiKeys(client[database]).listing()
    ]


def notifications_api(base_url: str, api_key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, headers={"X-API-Key": api_key}, timeout=30)


async def rotate_webhook_secret(http: httpx.AsyncClient, endpoint_id: str, *, overlap_seconds: int) -> dict[str, Any]:
    """The endpoint's new signing secret (shown once) and when the previous one stops signing."""
    answer = await http.post(f"/endpoints/{endpoint_id}/secret-rotations", json={"overlap_seconds": overlap_seconds})
    answer.raise_for_status()
    rotated: dict[str, Any] = answer.json()
    return rotated


async def reenable_webhook(http: httpx.AsyncClient, endpoint_id: str) -> tuple[int, int]:
    """Enable the endpoint, then queue what it missed while disabled; returns (missed, queued)."""
    changed = await http.patch(f"/endpoints/{endpoint_id}", json={"enabled": True})
    changed.raise_for_status()
    recovered = await http.post(f"/endpoints/{endpoint_id}/recoveries")
    recovered.raise_for_status()
    return int(changed.json()["missed_deliveries"]), int(recovered.json()["queued"])
