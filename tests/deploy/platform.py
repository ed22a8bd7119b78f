"""What the code says the deployment must carry: the services, their ports, settings and topics."""

from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from services.enrolment import events as enrolment_events
from services.enrolment.main import EnrolmentSettings
from services.marketplace import events as marketplace_events
from services.marketplace.main import MarketplaceSettings
from services.notifications import events as notifications_events
from services.notifications.main import NotificationsSettings
from services.production import events as production_events
from services.production.main import ProductionSettings
from shared.messaging.dead_letters import dead_letter_topic

SETTINGS: dict[str, type[BaseSettings]] = {
    "enrolment": EnrolmentSettings,
    "production": ProductionSettings,
    "marketplace": MarketplaceSettings,
    "notifications": NotificationsSettings,
}
SERVICES = list(SETTINGS)
EVENTS = [enrolment_events, production_events, marketplace_events, notifications_events]


def http_port(service: str) -> int:
    port = SETTINGS[service].model_fields["http_port"].default
    assert isinstance(port, int)
    return port


def setting_names(service: str) -> set[str]:
    """The environment variables a service reads: its prefixed settings and the platform-wide ones."""
    settings = SETTINGS[service]
    prefix = str(settings.model_config.get("env_prefix", ""))
    names = set()
    for name, field in settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names |= {choice.upper() for choice in alias.choices if isinstance(choice, str)}
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def topics() -> dict[str, bool]:
    """Every topic the services publish to, consume or dead-letter into, and whether it is compacted."""
    published = {events.PUBLISHES for events in EVENTS if events.PUBLISHES is not None}
    consumed = {topic for events in EVENTS for topic in events.CONSUMES}
    compacted = set(marketplace_events.COMPACTED)
    dead_letters = {dead_letter_topic(topic) for topic in consumed}
    return {topic: topic in compacted for topic in published | consumed | compacted | dead_letters}
