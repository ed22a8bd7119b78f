"""Time as production records it: UTC, to the millisecond, the finest a BSON date keeps."""

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, cut to what the store keeps, so a record reads back exactly as it was made."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
