"""The runbook's credential procedures: an API key rotated (the new one works, the old one stops), a webhook
endpoint's secret rotated, and a disabled endpoint re-enabled with what it missed sent."""

from typing import Any

from tests.support.infrastructure import Infrastructure
from tests.support.notifications import agency_key, endpoint, grant, publish_events, site
from tests.support.operate import operate
from tests.support.receivers import Receiver, receiving
from tests.support.services import RunningService, eventually


async def status_with(service: RunningService, token: str) -> int:
    return (await service.http.get("/endpoints", headers={"X-API-Key": token})).status_code


async def test_a_rotated_api_key_keeps_its_name_scopes_and_reach_and_the_old_one_stops_working(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    old = (await webhooks.mint_key("endpoints:read", name="dkpp-integration", agency_id="dkpp"))["X-API-Key"]
    assert await status_with(webhooks, old) == 200
    key_id = old.split(".")[1]

    rotated = await operate(
        infrastructure,
        namespace,
        "rotate-api-key",
        "--service",
        "notifications",
        "--database",
        f"{namespace}notifications",
        key_id,
    )
    assert rotated.code == 0, rotated.err
    new = rotated.out.split()[-1]
    assert new.startswith("pk.")
    assert new != old
    assert await status_with(webhooks, new) == 200

    async def refused() -> bool:
        return await status_with(webhooks, old) == 401

    await eventually(refused)  # a recently seen caller may be remembered for a few seconds
    keys = {key["_id"]: key for key in await webhooks.runtime.database.db["api_keys"].find().to_list()}
    fresh = keys[new.split(".")[1]]
    assert (fresh["name"], fresh["scopes"], fresh["attributes"]) == (
        "dkpp-integration",
        ["endpoints:read"],
        {"agency_id": "dkpp"},
    )
    assert keys[key_id]["revoked_at"] is not None
    again = await operate(infrastructure, namespace, "rotate-api-key", "--service", "notifications", key_id)
    assert again.code != 0
    assert "no active key" in again.err


async def test_a_disabled_endpoint_is_re_enabled_with_what_it_missed_and_its_secret_rotated_by_the_runbook(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    await grant(webhooks, "dkpp", ["production.site.registered"])
    key = await agency_key(webhooks, "dkpp")
    operator = (await webhooks.mint_key("endpoints:read", "endpoints:write", name="operator"))["X-API-Key"]
    env = {"NOTIFICATIONS_URL": webhooks.base_url, "OPERATE_API_KEY": operator}
    async with receiving(Receiver()) as receiver:
        made = await endpoint(webhooks, key, receiver.url, ["production.site.registered"], enabled=False)
        await publish_events(infrastructure, namespace, [site("rak-1"), site("rak-2")])
        await eventually(lambda: missed(webhooks, key, made["id"], 2))

        reenabled = await operate(infrastructure, namespace, "reenable-webhook", made["id"], **env)
        assert reenabled.code == 0, reenabled.err
        assert reenabled.out.strip() == f"{made['id']} enabled; it missed 2 delivery(ies), 2 queued to send now"
        await eventually(lambda: delivered(receiver, 2))
        assert sorted(arrival.verified(made["secret"])["subject"] for arrival in receiver.delivered()) == [
            "rak-1",
            "rak-2",
        ]

        rotated = await operate(
            infrastructure, namespace, "rotate-webhook-secret", made["id"], "--overlap-seconds", "0", **env
        )
        assert rotated.code == 0, rotated.err
        secret = rotated.out.split("(shown once): ")[1].split()[0]
        assert secret.startswith("whsec_")
        assert secret != made["secret"]
        await publish_events(infrastructure, namespace, [site("rak-3")])
        await eventually(lambda: delivered(receiver, 3))
        assert receiver.delivered()[-1].verified(secret)["subject"] == "rak-3"


async def missed(service: RunningService, key: dict[str, str], endpoint_id: str, count: int) -> bool:
    listed = await service.http.get(f"/endpoints/{endpoint_id}/deliveries", headers=key)
    states: list[Any] = [delivery["state"] for delivery in listed.json()["items"]]
    return states == ["missed"] * count


async def delivered(receiver: Receiver, count: int) -> bool:
    return len(receiver.delivered()) >= count
