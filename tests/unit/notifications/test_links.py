"""What an event concerns, learnt from events in any order; pure."""

from services.notifications.links.domain import Link, Scope, key, links_taught, resolve


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
