"""The notifications service: settings and the app, wired by hand."""

from datetime import timedelta

from fastapi import FastAPI
from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.notifications import events, reactions
from services.notifications.couriers import api as couriers_api
from services.notifications.couriers.domain import DEFAULT_RETRY_AFTER_CAP, DEFAULT_SCHEDULE, Schedule, Timing
from services.notifications.couriers.handlers import Courier, sending_deliveries
from services.notifications.deliveries import api as deliveries_api
from services.notifications.deliveries import store as deliveries_store
from services.notifications.endpoints import api as endpoints_api
from services.notifications.endpoints import store as endpoints_store
from services.notifications.endpoints.domain import TargetPolicy
from services.notifications.endpoints.handlers import NameResolver, Targets
from services.notifications.feed import api as feed_api
from services.notifications.feed import store as feed_store
from services.notifications.links import store as links_store
from services.notifications.subscriptions import api as subscriptions_api
from shared.http.app import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.storage.indexes import merge_indexes
from shared.storage.migrations import Migration


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_")

    service_name: str = "notifications"
    http_port: int = 8004
    consumer_batch_size: int = 1000
    """Its transactions take turns (each writes the feed's counter), so fewer and larger: 11% more events a
    second than 500 alone in four alternated runs, and no more again with 2,000."""
    webhook_retry_schedule_seconds: list[float] = Field(list(DEFAULT_SCHEDULE), min_length=1)
    webhook_retry_after_cap_seconds: float = Field(DEFAULT_RETRY_AFTER_CAP, ge=0)
    """The longest a receiver's `Retry-After` may put a retry off (a longer one, or a date further off, waits this)."""
    webhook_failure_period_seconds: float = Field(5 * 86_400, gt=0)
    webhook_timeout_seconds: float = Field(10.0, gt=0)
    """The whole of one attempt: connect, write the request and read the whole answer."""
    webhook_resolve_timeout_seconds: float = Field(2.0, gt=0)
    webhook_resolve_cache_seconds: float = Field(30.0, ge=0)
    """Answers are kept for their TTL, never longer than this."""
    webhook_lease_seconds: float = Field(60.0, gt=0)
    webhook_poll_seconds: float = Field(0.5, gt=0)
    webhook_max_in_flight: int = Field(512, ge=1)
    webhook_allowed_networks: list[str] = []
    """Networks a webhook may reach although private or loopback (CIDRs); the tests allow loopback."""
    webhook_allowed_ports: list[int] = [80, 443]
    webhook_any_port: bool = False

    @model_validator(mode="after")
    def lease_outlasts_a_send(self) -> "NotificationsSettings":
        """A claim is sent only while its lease outlasts the longest send; a shorter lease would send nothing."""
        longest_send = self.webhook_resolve_timeout_seconds + self.webhook_timeout_seconds * 1.5
        if self.webhook_lease_seconds <= longest_send:
            raise ValueError(
                f"webhook_lease_seconds must exceed the longest send ({longest_send:g} s: the resolve timeout and"
                " one and a half webhook timeouts)"
            )
        return self

    @property
    def courier_timing(self) -> Timing:
        return Timing(
            schedule=Schedule(
                tuple(self.webhook_retry_schedule_seconds), retry_after_cap=self.webhook_retry_after_cap_seconds
            ),
            failure_period=timedelta(seconds=self.webhook_failure_period_seconds),
            lease=timedelta(seconds=self.webhook_lease_seconds),
            poll_seconds=self.webhook_poll_seconds,
            max_in_flight=self.webhook_max_in_flight,
            resolve_seconds=self.webhook_resolve_timeout_seconds,
        )

    @property
    def targets(self) -> Targets:
        networks, ports = self.webhook_allowed_networks, self.webhook_allowed_ports
        resolver = NameResolver(
            timeout_seconds=self.webhook_resolve_timeout_seconds, cache_seconds=self.webhook_resolve_cache_seconds
        )
        return Targets(TargetPolicy.of(networks, ports, any_port=self.webhook_any_port), resolver)


INDEXES = merge_indexes(feed_store.INDEXES, links_store.INDEXES, endpoints_store.INDEXES, deliveries_store.INDEXES)

MIGRATIONS = [
    Migration("feed upgraded", feed_store.upgrade_feed),
    Migration("feed placed in agencies' order", feed_store.place_for_agencies),
]


ROUTERS = [feed_api.router, subscriptions_api.router, endpoints_api.router, couriers_api.router, deliveries_api.router]


def create_app(settings: NotificationsSettings | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()
    targets = settings.targets
    courier = Courier(targets, settings.webhook_timeout_seconds)  # its client opens at start, closes at stop
    runtime = ServiceRuntime(
        settings,
        publishes=events.PUBLISHES,
        consumes=events.CONSUMES,
        reactions=reactions.reactions(),
        indexes=INDEXES,
        migrations=MIGRATIONS,
        resources=[courier],
        background=[sending_deliveries(courier, settings.courier_timing)],
    )
    app = create_service_app(
        runtime=runtime,
        routers=ROUTERS,
        title="Notifications service",
        description="Keeps partner agencies' systems informed: the platform's event feed, the grants that say who "
        "reads what, and signed webhooks pushed to agencies' and integrators' endpoints.",
    )
    app.state.targets = targets  # where endpoints' URLs may go, checked when one is created or changed
    app.state.courier = courier  # test sends go out through it, as the couriers' sends do
    return app
