"""An agency reads from the feed only the event types it was granted; pure."""

import pytest

from services.notifications.subscriptions.domain import Subscription, UnknownEventType, subscribe, visible_types

KNOWN = frozenset({"production.harvest.recorded", "production.lot.distributed", "enrolment.cohort.opened"})
FISHERIES = Subscription("dinas-perikanan", frozenset({"production.harvest.recorded", "production.lot.distributed"}))


def test_a_subscription_names_only_types_the_platform_publishes() -> None:
    assert subscribe("dkpp", ["enrolment.cohort.opened"], known=KNOWN).event_types == {"enrolment.cohort.opened"}
    with pytest.raises(UnknownEventType) as refused:
        subscribe("dkpp", ["enrolment.cohort.opened", "tourism.trip.booked"], known=KNOWN)
    assert (refused.value.field, refused.value.detail) == ("event_types", "Unknown event type(s): tourism.trip.booked.")


def test_an_agency_sees_the_requested_types_it_subscribed_to_and_staff_see_what_they_ask() -> None:
    assert visible_types([], FISHERIES) == ["production.harvest.recorded", "production.lot.distributed"]
    assert visible_types(["production.lot.distributed", "enrolment.cohort.opened"], FISHERIES) == [
        "production.lot.distributed"
    ]
    assert visible_types(["enrolment.cohort.opened"], FISHERIES) == []
    assert visible_types([], None) is None
    assert visible_types(["enrolment.cohort.opened"], None) == ["enrolment.cohort.opened"]


def test_a_grant_may_name_a_prefix_of_known_types_and_the_feed_expands_it() -> None:
    grant = subscribe("dinas-perikanan", ["production.*"], known=KNOWN)
    assert visible_types([], grant, known=KNOWN) == ["production.harvest.recorded", "production.lot.distributed"]
    with pytest.raises(UnknownEventType):
        subscribe("dkpp", ["tourism.*"], known=KNOWN)
    assert visible_types([], subscribe("ditjenpas", ["*"], known=KNOWN), known=KNOWN) == sorted(KNOWN)
