"""Webhook targets: every form of a private, loopback, link-local, multicast or metadata address is refused, by
address or by a name resolving to one (a resolver of our own stands in for DNS); public ones are pinned."""

import pytest

from services.notifications.endpoints.addresses import ForbiddenTarget, Resolver, TargetPolicy, checked

STRICT = TargetPolicy()
LOOPBACK_ALLOWED = TargetPolicy.of(["127.0.0.0/8"], [80, 443])
FORBIDDEN = [
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "127.0.0.1",
    "0.0.0.0",
    "169.254.169.254",
    "169.254.10.1",
    "100.100.100.200",
    "100.64.0.1",
    "224.0.0.1",
    "239.1.2.3",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "ff0e::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::a00:1",
    "2002:7f00:1::1",
]


def resolving_to(*addresses: str) -> Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


@pytest.mark.parametrize("address", FORBIDDEN)
async def test_a_forbidden_address_is_refused_literally_and_by_a_name_resolving_to_it(address: str) -> None:
    literal = f"[{address}]" if ":" in address else address
    with pytest.raises(ForbiddenTarget) as given:
        await checked(f"https://{literal}/hooks", STRICT, resolving_to("93.184.216.34"))
    assert given.value.field == "url"
    with pytest.raises(ForbiddenTarget):
        await checked("https://hooks.dkpp.example/hooks", STRICT, resolving_to(address))


async def test_a_name_is_refused_when_any_of_its_addresses_is_forbidden() -> None:
    with pytest.raises(ForbiddenTarget):
        await checked("https://hooks.example/x", STRICT, resolving_to("93.184.216.34", "10.0.0.1"))


async def test_a_public_name_is_pinned_to_the_address_it_resolved_to() -> None:
    target = await checked("https://hooks.example:443/x?y=1", STRICT, resolving_to("93.184.216.34"))
    assert (target.host, target.address, target.port, target.scheme) == ("hooks.example", "93.184.216.34", 443, "https")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example/x",
        "hooks.example/x",
        "https://u:p@hooks.example/x",
        "https://hooks.example:22/x",
        "http://[::1/x",
        "https://hooks.example:99999/x",
    ],
)
async def test_only_http_and_https_on_allowed_ports_without_credentials(url: str) -> None:
    with pytest.raises(ForbiddenTarget):
        await checked(url, STRICT, resolving_to("93.184.216.34"))


async def test_configuration_may_allow_loopback_but_not_its_ipv4_mapped_form_or_other_private_networks() -> None:
    assert (await checked("http://127.0.0.1/x", LOOPBACK_ALLOWED, resolving_to())).address == "127.0.0.1"
    for url in ["http://[::ffff:127.0.0.1]/x", "http://10.0.0.1/x"]:
        with pytest.raises(ForbiddenTarget):
            await checked(url, LOOPBACK_ALLOWED, resolving_to())


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    async def nowhere(host: str, port: int) -> list[str]:
        raise OSError("no such name")

    with pytest.raises(ForbiddenTarget):
        await checked("https://nowhere.example/x", STRICT, nowhere)
