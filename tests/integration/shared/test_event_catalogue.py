"""Every service serves the event catalogue's page at /events/catalogue, outside its OpenAPI document."""

from shared.messaging.registry import registry
from tests.support.services import RunningService


async def test_a_service_serves_the_event_catalogue_page_over_http(marketplace: RunningService) -> None:
    page = await marketplace.http.get("/events/catalogue")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for event_type in registry.event_types():
        assert f"{event_type} v1" in page.text
    assert "marketplace.listings" in page.text
    assert "enrolment.events.dlq" in page.text
    openapi = (await marketplace.http.get("/openapi.json")).json()
    assert "/events/catalogue" not in openapi["paths"]
