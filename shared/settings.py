"""Settings every service shares; each service subclasses them with its own name and port."""

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.kafka import TopicLayout


def platform_wide(name: str) -> AliasChoices:
    """An environment variable every service reads under the same name."""
    return AliasChoices(name, name.lower())


class ServiceSettings(BaseSettings):
    """Read once, in the service's create_app. Infrastructure variables are platform-wide
    (KAFKA_BOOTSTRAP_SERVERS, MONGODB_URL); the rest take the service's prefix (ENROLMENT_HTTP_PORT)."""

    model_config = SettingsConfigDict(extra="ignore", validate_by_name=True, validate_by_alias=True)

    service_name: str
    http_host: str = "127.0.0.1"
    http_port: int
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias=platform_wide("KAFKA_BOOTSTRAP_SERVERS"))
    kafka_topic_prefix: str = Field("", validation_alias=platform_wide("KAFKA_TOPIC_PREFIX"))
    kafka_topic_partitions: int = Field(3, ge=1, validation_alias=platform_wide("KAFKA_TOPIC_PARTITIONS"))
    kafka_replication_factor: int = Field(1, ge=1, validation_alias=platform_wide("KAFKA_REPLICATION_FACTOR"))
    kafka_min_insync_replicas: int = Field(1, ge=1, validation_alias=platform_wide("KAFKA_MIN_INSYNC_REPLICAS"))
    mongodb_url: str = Field("mongodb://127.0.0.1:27017", validation_alias=platform_wide("MONGODB_URL"))
    mongodb_database: str = ""
    log_level: str = Field("INFO", validation_alias=platform_wide("LOG_LEVEL"))
    max_request_bytes: int = 1_000_000
    outbox_poll_seconds: float = 0.5
    outbox_batch_size: int = 1000
    consumer_batch_size: int = 200
    consumer_max_attempts: int = 5
    consumer_backoff_seconds: float = 0.2
    consumer_stall_seconds: float = 60.0
    figures_refresh_seconds: float = 30.0

    @property
    def database_name(self) -> str:
        return self.mongodb_database or self.service_name

    def topic(self, name: str) -> str:
        """A topic's full name; the prefix lets tests and tenants keep their topics apart."""
        return f"{self.kafka_topic_prefix}{name}"

    @property
    def topic_layout(self) -> TopicLayout:
        return TopicLayout(
            partitions=self.kafka_topic_partitions,
            replication_factor=self.kafka_replication_factor,
            min_insync_replicas=self.kafka_min_insync_replicas,
        )

    @property
    def consumer_group(self) -> str:
        return self.topic(self.service_name)
