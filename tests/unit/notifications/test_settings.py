"""The notifications service refuses settings under which its couriers could never send."""

import pytest
from pydantic import ValidationError

from services.notifications.main import NotificationsSettings


def test_a_lease_no_longer_than_the_longest_send_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="webhook_lease_seconds must exceed the longest send"):
        NotificationsSettings(webhook_lease_seconds=16, webhook_timeout_seconds=10, webhook_resolve_timeout_seconds=2)
    assert NotificationsSettings(webhook_lease_seconds=60).webhook_lease_seconds == 60
