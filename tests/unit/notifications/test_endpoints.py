"""Who receives what: an agency its subscription's types for its own programmes (all programmes when granted),
an integrator the public catalogue, each endpoint its types, prefixes and filters; pure. And webhook targets:
every form of a private, loopback, link-local, multicast or metadata address is refused, by address or by a
name resolving to one (a resolver of our own stands in for DNS); public ones are pinned."""

from datetime import UTC, datetime

import pytest

from services.notifications.endpoints.domain import (
    Endpoint,
    Filters,
    ForbiddenTarget,
    Owner,
    OwnerKind,
    TargetPolicy,
    TypeOutsideGrant,
    allowed_types,
    check_types,
    create_endpoint,
    receives,
    rotated,
)
from services.notifications.endpoints.handlers import Resolver, checked
from services.notifications.links.domain import Scope
from services.notifications.subscriptions.domain import Subscription, UnknownEventType

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)
KNOWN = frozenset(
    {
        "production.lot.graded",
        "production.lot.distributed",
        "production.site.registered",
        "marketplace.listing.published",
        "marketplace.order.placed",
        "enrolment.cohort.opened",
    }
)
FISHERIES = Owner(OwnerKind.AGENCY, "dinas-perikanan")
NO_FILTERS = Filters()
CATALOGUE = Owner(OwnerKind.INTEGRATOR, "e-katalog")
OWN_LOT = Scope(
    programme_ids=frozenset({"lele"}), agency_ids=frozenset({"dinas-perikanan"}), commodities=frozenset({"lele"})
)
OTHER_LOT = Scope(
    programme_ids=frozenset({"kangkung"}), agency_ids=frozenset({"dkpp"}), commodities=frozenset({"kangkung"})
)


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
    "fec0::1",
    "fefe::1",
]


def endpoint(owner: Owner, types: list[str], filters: Filters = NO_FILTERS) -> Endpoint:
    return create_endpoint(
        owner=owner,
        url="https://x.example/h",
        event_types=types,
        filters=filters,
        description="",
        enabled=True,
        max_concurrency=4,
        rate_limit_per_second=None,
        now=NOW,
    )


def test_an_agency_receives_its_own_programmes_events_unless_granted_all_programmes() -> None:
    grant = Subscription("dinas-perikanan", frozenset({"production.*"}))
    hooked = endpoint(FISHERIES, ["production.lot.*"])
    assert receives(hooked, "production.lot.graded", OWN_LOT, grant)
    assert not receives(hooked, "production.lot.graded", OTHER_LOT, grant)
    assert receives(hooked, "production.lot.graded", OTHER_LOT, Subscription("dinas-perikanan", frozenset({"*"}), True))
    assert not receives(hooked, "production.site.registered", Scope(), grant)  # not among the endpoint's types
    assert not receives(hooked, "production.lot.graded", OWN_LOT, None)  # no grant (or a revoked one)


def test_filters_each_must_meet_the_event() -> None:
    grant = Subscription("dinas-perikanan", frozenset({"*"}))
    nila_only = endpoint(FISHERIES, ["production.*"], Filters(commodities=frozenset({"nila"})))
    assert not receives(nila_only, "production.lot.graded", OWN_LOT, grant)
    by_programme = endpoint(FISHERIES, ["production.*"], Filters(programme_ids=frozenset({"lele"})))
    assert receives(by_programme, "production.lot.graded", OWN_LOT, grant)


def test_an_integrator_receives_and_subscribes_to_the_public_catalogue_only() -> None:
    hooked = endpoint(CATALOGUE, ["marketplace.*"])
    assert receives(hooked, "marketplace.listing.published", OTHER_LOT, None)
    assert not receives(hooked, "marketplace.order.placed", OTHER_LOT, None)
    allowed = allowed_types(CATALOGUE, None, KNOWN)
    check_types(["marketplace.listing.*", "marketplace.listing.published"], allowed, KNOWN)
    with pytest.raises(TypeOutsideGrant):
        check_types(["marketplace.order.placed"], allowed, KNOWN)
    with pytest.raises(UnknownEventType):
        check_types(["marketplace.stall.opened"], allowed, KNOWN)


def test_a_rotated_secret_keeps_the_old_one_signing_for_the_overlap_only() -> None:
    from datetime import timedelta

    first = endpoint(FISHERIES, ["production.*"])
    second = rotated(first, now=NOW, overlap=timedelta(hours=24))
    assert second.signing_secrets(NOW) == [second.secrets[0].value, first.secrets[0].value]
    assert second.signing_secrets(NOW + timedelta(hours=25)) == [second.secrets[0].value]


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


@pytest.mark.parametrize(
    "url",
    [
        "https://\u2603.example/x",
        "https://xn--a.example/x",
        "https://a\u200db.example/x",
        "https://a..b.example/x",
        "https://" + "a" * 64 + ".example/x",
        "https://exa%20mple.example/x",
        "https://[fe80::1%25eth0]/x",
    ],
)
async def test_a_host_the_sender_could_not_name_is_refused_naming_the_field(url: str) -> None:
    """IDNA-invalid, empty or overlong labels, escapes: refused by the parser that sends, never a 500."""
    with pytest.raises(ForbiddenTarget) as given:
        await checked(url, STRICT, resolving_to("93.184.216.34"))
    assert given.value.field == "url"


async def test_an_international_name_is_resolved_and_sent_in_its_ascii_form() -> None:
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]

    target = await checked("https://b\u00fccher.example/x", STRICT, resolve)
    assert asked == ["xn--bcher-kva.example"]
    assert target.host == "xn--bcher-kva.example"
