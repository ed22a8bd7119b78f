"""The client's address as the trusted proxies in front of a service report it (X-Forwarded-For or Forwarded).

A proxy appends the address it was connected from to the header, so the header is read from its right: the
hops that are trusted proxies are passed over, and the first address that is not one is the client's. A peer
that is not a trusted proxy is the client itself, and whatever header it sends is ignored; so are the entries
left of the first untrusted one (anything a client writes there is its own claim)."""

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from shared.settings import ForwardedHeader, Network

SCHEMES = {"http", "https"}


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as the headers write it (`203.0.113.5`, `"[2001:db8::1]:4711"`, `198.51.100.7:80`), or None
    for `unknown`, an obfuscated name or anything else."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.ipv4_mapped or address if isinstance(address, ipaddress.IPv6Address) else address


class ForwardedClient:
    """Sets the request's client (and scheme) from `header` when the peer is a trusted proxy."""

    def __init__(self, app: ASGIApp, *, trusted: Iterable[Network], header: ForwardedHeader) -> None:
        self.app = app
        self.trusted = tuple(trusted)
        self.header = header

    def _trusts(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in self.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"} and scope.get("client") and self.trusted:
            peer = _address(scope["client"][0])
            if self._trusts(peer):
                self._learn(scope)
        await self.app(scope, receive, send)

    def _learn(self, scope: Scope) -> None:
        values = [value.decode("latin-1") for name, value in scope["headers"] if name == self.header.encode()]
        hops, scheme = self._hops(values), self._scheme(scope, values)
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # `unknown` or a name: nothing further left can be trusted
            scope["client"] = (str(address), 0)
            if not self._trusts(address):
                break
        if scheme in SCHEMES:
            scope["scheme"] = scheme

    def _hops(self, values: list[str]) -> list[str]:
        elements = [element for value in values for element in value.split(",")]
        if self.header == "x-forwarded-for":
            return elements
        hops = []
        for element in elements:
            pairs = (pair.partition("=") for pair in element.split(";"))
            found = {name.strip().lower(): value for name, _, value in pairs}
            hops.append(found.get("for", "unknown"))
        return hops

    def _scheme(self, scope: Scope, values: list[str]) -> str | None:
        if self.header == "x-forwarded-for":
            protos = [value.decode("latin-1") for name, value in scope["headers"] if name == b"x-forwarded-proto"]
            return protos[-1].split(",")[-1].strip().lower() if protos else None
        last = values[-1].split(",")[-1] if values else ""
        for pair in last.split(";"):
            name, _, value = pair.partition("=")
            if name.strip().lower() == "proto":
                return value.strip().strip('"').lower()
        return None
