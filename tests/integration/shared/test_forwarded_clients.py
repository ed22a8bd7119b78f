"""Behind a trusted proxy each client is counted by the address the proxy reports; a peer that is not a trusted
proxy is counted by its own address, whatever forwarded header it sends."""

from typing import Any

import httpx

from services.marketplace.main import MarketplaceSettings, create_app
from tests.support.infrastructure import Infrastructure
from tests.support.services import serving, settings_for


async def statuses(
    infrastructure: Infrastructure, namespace: str, asks: list[dict[str, str]], *, peer: str, **settings: Any
) -> list[int]:
    """The statuses of `asks` sent from `peer` (an address of the loopback range, as a proxy's would be), one
    request a day allowed per anonymous client: the second from the same client is a 429."""
    configured = settings_for(
        MarketplaceSettings, infrastructure, namespace, catalogue_rate_anonymous="1/day", **settings
    )
    transport = httpx.AsyncHTTPTransport(local_address=peer)
    async with (
        serving(create_app(configured)) as marketplace,
        httpx.AsyncClient(base_url=marketplace.base_url, transport=transport) as proxy,
    ):
        return [(await proxy.get("/listings", headers=headers)).status_code for headers in asks]


async def test_two_clients_behind_a_trusted_proxy_have_a_bucket_each(
    infrastructure: Infrastructure, namespace: str
) -> None:
    first, second = {"X-Forwarded-For": "203.0.113.5"}, {"X-Forwarded-For": "198.51.100.9, 203.0.113.6"}
    asks = [first, second, first, second]
    asked = await statuses(infrastructure, namespace, asks, peer="127.0.0.2", trusted_proxies="127.0.0.2/31")
    assert asked == [200, 200, 429, 429]


async def test_the_forwarded_header_names_the_client_when_the_proxies_write_it(
    infrastructure: Infrastructure, namespace: str
) -> None:
    first, second = {"Forwarded": 'for="[2001:db8::7]:4711";proto=https'}, {"Forwarded": "for=192.0.2.60"}
    asks = [first, second, first]
    asked = await statuses(
        infrastructure, namespace, asks, peer="127.0.0.2", trusted_proxies="127.0.0.2", forwarded_header="forwarded"
    )
    assert asked == [200, 200, 429]


async def test_an_untrusted_peers_forwarded_header_is_ignored(infrastructure: Infrastructure, namespace: str) -> None:
    first, second = {"X-Forwarded-For": "203.0.113.5"}, {"X-Forwarded-For": "203.0.113.6"}
    asked = await statuses(infrastructure, namespace, [first, second], peer="127.0.0.1", trusted_proxies="192.0.2.1")
    assert asked == [200, 429]
