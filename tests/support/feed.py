"""Feed entries as notifications stores them, for tests that write the feed directly."""

from datetime import UTC, datetime

from services.notifications.feed.domain import Audience, FeedEntry


def site_registered_entry(event_id: str, *, waiting: bool = False) -> tuple[FeedEntry, Audience]:
    """A site's registration: bound to no programme, or still waiting to learn whom it concerns."""
    return FeedEntry(
        event_id=event_id,
        type="production.site.registered",
        source="/tests",
        subject=event_id,
        time=datetime.now(UTC),
        dataschema="urn:pembinaan:event:production.site.registered:v1",
        sequence=1,
        correlation_id=None,
        data={},
    ), Audience(bound=waiting, agency_ids=[], waiting=waiting)
