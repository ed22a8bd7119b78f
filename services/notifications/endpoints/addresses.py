"""Where a webhook may go: server-side request forgery is refused at creation and at every send.

A target is http(s) on an allowed port; every address its host resolves to must be public (not private,
loopback, link-local, multicast, reserved, a cloud metadata address, nor such an address wrapped in an
IPv6 form: IPv4-mapped, NAT64, 6to4, Teredo) unless configuration allows its network (the tests allow
loopback). The address checked is the one connected to: the sender pins it.
"""

import asyncio
import functools
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from shared.errors import InvalidInput

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]
"""host, port -> the addresses it resolves to."""

DEFAULT_PORTS = {"http": 80, "https": 443}
METADATA = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "100.100.100.200", "fd00:ec2::254"))
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class ForbiddenTarget(InvalidInput):
    """A webhook URL is http(s), on an allowed port, and reaches only public addresses."""


@dataclass(frozen=True)
class TargetPolicy:
    allowed_networks: tuple[Network, ...] = ()
    allowed_ports: frozenset[int] = frozenset({80, 443})
    any_port: bool = False

    @classmethod
    def of(cls, networks: list[str], ports: list[int], *, any_port: bool = False) -> "TargetPolicy":
        parsed = tuple(ipaddress.ip_network(network, strict=False) for network in networks)
        return cls(parsed, frozenset(ports), any_port)


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to for it."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


def parse(url: str, policy: TargetPolicy, *, field: str = "url") -> SplitResult:
    """The URL's parts, when it is an absolute http(s) URL without credentials on an allowed port."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ForbiddenTarget("The URL is malformed.", field=field) from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ForbiddenTarget("A webhook URL is an absolute http or https URL.", field=field)
    if parts.username is not None or parts.password is not None:
        raise ForbiddenTarget("A webhook URL carries no credentials; the signature authenticates it.", field=field)
    port = port or DEFAULT_PORTS[parts.scheme]
    if not policy.any_port and port not in policy.allowed_ports:
        allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
        raise ForbiddenTarget(f"Port {port} is not allowed; allowed: {allowed}.", field=field)
    return parts


def embedded(address: Address) -> list[Address]:
    """The address and any IPv4 address an IPv6 form carries."""
    found: list[Address] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        inner = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if address in NAT64:
            inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        found += [each for each in inner if each is not None]
    return found


@functools.lru_cache(maxsize=4096)
def forbidden(address: Address, policy: TargetPolicy) -> bool:
    """Kept per address and policy: every send checks again, and the answer never changes."""
    if any(address in network for network in policy.allowed_networks):
        return False
    return any(
        each in METADATA or not each.is_global or each.is_multicast or each.is_reserved or each.is_unspecified
        for each in embedded(address)
    )


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def checked(url: str, policy: TargetPolicy, resolve: Resolver, *, field: str = "url") -> Target:
    """The target of `url`, pinned to an address it resolves to; ForbiddenTarget when any is refused."""
    parts = parse(url, policy, field=field)
    host, port = parts.hostname or "", parts.port or DEFAULT_PORTS[parts.scheme]
    try:
        resolved = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            resolved = [ipaddress.ip_address(a.split("%")[0]) for a in await resolve(host, port)]
        except OSError:
            raise ForbiddenTarget("The URL's host does not resolve.", field=field) from None
    if not resolved:
        raise ForbiddenTarget("The URL's host does not resolve.", field=field)
    if any(forbidden(address, policy) for address in resolved):
        raise ForbiddenTarget("The URL reaches a private, loopback, link-local or metadata address.", field=field)
    return Target(url=url, scheme=parts.scheme, host=host, port=port, address=str(resolved[0]))
