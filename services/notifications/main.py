"""The notifications service: settings and the app, wired by hand."""

from fastapi import FastAPI
from pydantic_settings import SettingsConfigDict

from services.notifications import events, reactions
from services.notifications.feed import api as feed_api
from services.notifications.feed import store as feed_store
from services.notifications.grants import api as grants_api
from shared import pages
from shared.database import ServiceDatabase
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_")

    service_name: str = "notifications"
    http_port: int = 8004


async def place_unpositioned(database: ServiceDatabase) -> None:
    await pages.place_unpositioned(database, feed_store.LISTED)


def create_app(settings: NotificationsSettings | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()
    runtime = ServiceRuntime(
        settings,
        publishes=events.PUBLISHES,
        consumes=events.CONSUMES,
        reactions=reactions.reactions(),
        indexes=feed_store.INDEXES,
        on_start=place_unpositioned,
    )
    return create_service_app(
        runtime=runtime,
        routers=[feed_api.router, grants_api.router],
        title="Notifications service",
        description="Keeps partner agencies' systems informed: the platform's event feed, and the "
        "subscriptions that deliver it.",
    )
