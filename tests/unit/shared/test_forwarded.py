"""The client's address is read from the right of the forwarded header, past the trusted proxies only."""

from typing import Any

import pytest

from shared.http.forwarded import ForwardedClient
from shared.settings import ForwardedHeader, trusted_networks


async def client_seen(
    peer: str, headers: list[tuple[bytes, bytes]], *, trusted: str, header: ForwardedHeader = "x-forwarded-for"
) -> tuple[str, str]:
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.update(client=scope["client"][0], scheme=scope["scheme"])

    middleware = ForwardedClient(app, trusted=trusted_networks(trusted), header=header)
    scope = {"type": "http", "client": (peer, 5000), "scheme": "http", "headers": headers}
    await middleware(scope, None, None)  # type: ignore[arg-type]
    return seen["client"], seen["scheme"]


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "trusted", "client"),
    [
        ("10.0.0.2", "203.0.113.5", "10.0.0.0/8", "203.0.113.5"),
        ("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.9", "10.0.0.0/8", "203.0.113.5"),  # spoofed left part ignored
        ("10.0.0.2", "203.0.113.5", "192.0.2.1", "10.0.0.2"),  # an untrusted peer is the client
        ("10.0.0.2", "unknown, 10.0.0.7", "10.0.0.0/8", "10.0.0.7"),
        ("10.0.0.2", "203.0.113.5", "", "10.0.0.2"),
        ("::ffff:10.0.0.2", "2001:db8::1", "10.0.0.0/8", "2001:db8::1"),
        ("10.0.0.2", "203.0.113.5", "*", "203.0.113.5"),
    ],
)
async def test_the_client_is_the_first_untrusted_hop_from_the_right(
    peer: str, forwarded_for: str, trusted: str, client: str
) -> None:
    assert (await client_seen(peer, [(b"x-forwarded-for", forwarded_for.encode())], trusted=trusted))[0] == client


async def test_the_scheme_comes_from_a_trusted_proxy_only() -> None:
    headers = [(b"x-forwarded-for", b"203.0.113.5"), (b"x-forwarded-proto", b"https")]
    assert await client_seen("10.0.0.2", headers, trusted="10.0.0.0/8") == ("203.0.113.5", "https")
    assert await client_seen("10.0.0.2", headers, trusted="192.0.2.0/24") == ("10.0.0.2", "http")


async def test_rfc_7239_forwarded_elements_are_read_by_their_for_parameter() -> None:
    headers = [(b"forwarded", b'for=6.6.6.6, for="[2001:db8::7]:4711";proto=https, for=10.0.0.9')]
    seen = await client_seen("10.0.0.2", headers, trusted="10.0.0.0/8", header="forwarded")
    assert seen == ("2001:db8::7", "http")  # the proto was given by the hop that is not the last


def test_a_trusted_proxy_that_is_not_an_address_is_refused() -> None:
    with pytest.raises(ValueError, match="does not appear to be"):
        trusted_networks("10.0.0.0/8, ingress")
