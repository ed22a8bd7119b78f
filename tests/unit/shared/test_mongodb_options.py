"""The MongoDB client every service makes has a deadline on every call, on connecting and on finding a server."""

from shared.settings import ServiceSettings


def test_the_client_options_give_every_call_a_deadline_from_the_settings() -> None:
    settings = ServiceSettings(
        service_name="probe", http_port=1, MONGODB_TIMEOUT_MS=2500, MONGODB_CONNECT_TIMEOUT_MS=700
    )
    options = settings.mongodb_client_options
    assert (options["timeoutMS"], options["connectTimeoutMS"], options["serverSelectionTimeoutMS"]) == (2500, 700, 2500)
    assert options["tz_aware"] is True


def test_by_default_no_call_waits_longer_than_ten_seconds() -> None:
    options = ServiceSettings(service_name="probe", http_port=1).mongodb_client_options
    assert options["timeoutMS"] <= 10_000
    assert options["serverSelectionTimeoutMS"] <= 10_000
