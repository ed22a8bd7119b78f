"""Who receives what: an agency its grant's types for its own programmes (all programmes when granted), an
integrator the public catalogue, each endpoint its types, prefixes and filters; and what an event concerns,
learnt from events in any order; pure."""

from datetime import UTC, datetime

import pytest

from services.notifications.endpoints.domain import (
    Endpoint,
    Filters,
    Owner,
    OwnerKind,
    TypeOutsideGrant,
    allowed_types,
    check_types,
    create_endpoint,
    receives,
    rotated,
)
from services.notifications.links.domain import Link, Scope, key, links_taught, resolve
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


def test_a_lots_events_learn_their_programme_and_agency_from_events_arriving_in_any_order() -> None:
    distributed = {"lot_id": "lot-1", "quantity": "1"}
    assert resolve(distributed, {}).waiting_on == {key("lot", "lot-1")}
    links = {
        link.key: link
        for link in links_taught(
            "production.lot.graded",
            {"lot_id": "lot-1", "programme_id": "lele", "site_id": "kolam-1", "commodity": "lele"},
        )
    }
    assert resolve(distributed, links).waiting_on == {key("site", "kolam-1"), key("programme", "lele")}
    links |= {
        key("site", "kolam-1"): Link(key("site", "kolam-1"), facility_id="rutan-serang"),
        key("programme", "lele"): Link(key("programme", "lele"), agency_id="dinas-perikanan"),
    }
    resolved = resolve(distributed, links)
    assert resolved.waiting_on == frozenset()
    assert resolved.scope == Scope(
        frozenset({"lele"}), frozenset({"dinas-perikanan"}), frozenset({"rutan-serang"}), frozenset({"lele"})
    )


def test_listings_name_their_agencies_and_wait_for_nothing() -> None:
    sold_out = {
        "listing_id": "l-1",
        "facility_id": "rutan-serang",
        "programme_ids": ["lele"],
        "agency_ids": ["dinas-perikanan"],
    }
    resolved = resolve(sold_out, {})
    assert resolved.waiting_on == frozenset()
    assert resolved.scope.agency_ids == {"dinas-perikanan"}
