"""Settings every service shares; each service subclasses them with its own name and port."""

import ipaddress
from typing import Any, Literal, Self

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.messaging.kafka import KafkaSecurity, SaslMechanism, SecurityProtocol, TopicLayout

ForwardedHeader = Literal["x-forwarded-for", "forwarded"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(listed: str) -> tuple[Network, ...]:
    """`127.0.0.1, 10.0.0.0/8, ::1` as networks; `*` trusts every peer (only where no client can reach the
    service but through the proxy); an empty list trusts none. A value that is no address is a ValueError."""
    entries = [entry.strip() for entry in listed.split(",") if entry.strip()]
    if "*" in entries:
        return (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def platform_wide(name: str) -> AliasChoices:
    """An environment variable every service reads under the same name."""
    return AliasChoices(name, name.lower())


class KafkaSettings(BaseSettings):
    """Where the brokers are and how to log in to them: what the services and the runbook CLI share."""

    # an error shows no input value: a password must never reach a log or a terminal
    model_config = SettingsConfigDict(
        extra="ignore", validate_by_name=True, validate_by_alias=True, hide_input_in_errors=True
    )

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias=platform_wide("KAFKA_BOOTSTRAP_SERVERS"))
    kafka_security_protocol: SecurityProtocol = Field(
        "PLAINTEXT", validation_alias=platform_wide("KAFKA_SECURITY_PROTOCOL")
    )
    kafka_sasl_mechanism: SaslMechanism | None = Field(None, validation_alias=platform_wide("KAFKA_SASL_MECHANISM"))
    kafka_sasl_username: str | None = Field(None, validation_alias=platform_wide("KAFKA_SASL_USERNAME"))
    kafka_sasl_password: SecretStr | None = Field(None, validation_alias=platform_wide("KAFKA_SASL_PASSWORD"))
    kafka_ssl_ca_file: str | None = Field(None, validation_alias=platform_wide("KAFKA_SSL_CA_FILE"))

    @model_validator(mode="after")
    def _sasl_complete(self) -> Self:
        if self.kafka_security_protocol.startswith("SASL_"):
            given = {
                "KAFKA_SASL_MECHANISM": self.kafka_sasl_mechanism,
                "KAFKA_SASL_USERNAME": self.kafka_sasl_username,
                "KAFKA_SASL_PASSWORD": self.kafka_sasl_password and self.kafka_sasl_password.get_secret_value(),
            }
            if missing := [name for name, value in given.items() if not value]:
                raise ValueError(f"KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs {', '.join(missing)}")
        return self

    @property
    def kafka_security(self) -> KafkaSecurity:
        return KafkaSecurity(
            protocol=self.kafka_security_protocol,
            sasl_mechanism=self.kafka_sasl_mechanism,
            sasl_username=self.kafka_sasl_username,
            sasl_password=self.kafka_sasl_password,
            ssl_ca_file=self.kafka_ssl_ca_file,
        )


class ServiceSettings(KafkaSettings):
    """Read once, in the service's create_app. Infrastructure variables are platform-wide
    (KAFKA_BOOTSTRAP_SERVERS, MONGODB_URL); the rest take the service's prefix (ENROLMENT_HTTP_PORT)."""

    service_name: str
    http_host: str = "127.0.0.1"
    http_port: int
    kafka_topic_prefix: str = Field("", validation_alias=platform_wide("KAFKA_TOPIC_PREFIX"))
    kafka_topic_partitions: int = Field(3, ge=1, validation_alias=platform_wide("KAFKA_TOPIC_PARTITIONS"))
    kafka_replication_factor: int = Field(1, ge=1, validation_alias=platform_wide("KAFKA_REPLICATION_FACTOR"))
    kafka_min_insync_replicas: int = Field(1, ge=1, validation_alias=platform_wide("KAFKA_MIN_INSYNC_REPLICAS"))
    mongodb_url: str = Field("mongodb://127.0.0.1:27017", validation_alias=platform_wide("MONGODB_URL"))
    mongodb_database: str = ""
    mongodb_timeout_ms: int = Field(10_000, ge=1, validation_alias=platform_wide("MONGODB_TIMEOUT_MS"))
    """The deadline of every database call (pymongo's client-side operation timeout): a stuck primary answers
    a request with a 503 after it, rather than holding the request and its locks for ever."""
    mongodb_connect_timeout_ms: int = Field(5_000, ge=1, validation_alias=platform_wide("MONGODB_CONNECT_TIMEOUT_MS"))
    mongodb_query_timeout_ms: int = Field(5_000, ge=1, validation_alias=platform_wide("MONGODB_QUERY_TIMEOUT_MS"))
    """The server-side time limit (maxTimeMS) of list and search queries: a scan stops there, answered 503."""
    log_level: str = Field("INFO", validation_alias=platform_wide("LOG_LEVEL"))
    trusted_proxies: str = Field("127.0.0.1,::1", validation_alias=platform_wide("TRUSTED_PROXIES"))
    """The proxies (addresses or networks, comma-separated; `*` for any) whose forwarded header names the client:
    the rate limits count a client by the address they report. Empty: no proxy is trusted."""
    forwarded_header: ForwardedHeader = Field("x-forwarded-for", validation_alias=platform_wide("FORWARDED_HEADER"))
    """Which header the trusted proxies append the client's address to (`X-Forwarded-For` or RFC 7239 `Forwarded`)."""
    oidc_issuer: str = Field("http://127.0.0.1:8080/realms/pembinaan", validation_alias=platform_wide("OIDC_ISSUER"))
    """The `iss` every access token must carry (Keycloak's realm URL); empty: Bearer tokens are refused."""
    oidc_audience: str = Field("pembinaan-services", validation_alias=platform_wide("OIDC_AUDIENCE"))
    oidc_jwks_url: str = Field("", validation_alias=platform_wide("OIDC_JWKS_URL"))
    """Where the issuer's keys are fetched; empty: the issuer's `/protocol/openid-connect/certs`."""
    oidc_leeway_seconds: float = Field(30.0, ge=0, le=300, validation_alias=platform_wide("OIDC_LEEWAY_SECONDS"))
    oidc_jwks_refresh_seconds: float = Field(30.0, ge=0, validation_alias=platform_wide("OIDC_JWKS_REFRESH_SECONDS"))
    """The least time between two fetches of the keys (an unknown kid asks for one)."""
    oidc_jwks_max_age_seconds: float = Field(600.0, gt=0, validation_alias=platform_wide("OIDC_JWKS_MAX_AGE_SECONDS"))
    oidc_jwks_timeout_seconds: float = Field(5.0, gt=0, validation_alias=platform_wide("OIDC_JWKS_TIMEOUT_SECONDS"))
    max_request_bytes: int = 1_000_000
    outbox_poll_seconds: float = 0.5
    outbox_batch_size: int = 1000
    consumer_batch_size: int = 500
    consumer_max_attempts: int = 5
    consumer_backoff_seconds: float = 0.2
    consumer_stall_seconds: float = 60.0
    figures_refresh_seconds: float = 30.0

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, listed: str) -> str:
        trusted_networks(listed)  # a typing error is refused at start, not met on the first request
        return listed

    @property
    def mongodb_client_options(self) -> dict[str, Any]:
        """The MongoDB client's options: a deadline on every call (which bounds the wait for a pooled connection
        and every socket read too), on connecting, and on finding a server."""
        return {
            "tz_aware": True,
            "timeoutMS": self.mongodb_timeout_ms,
            "connectTimeoutMS": self.mongodb_connect_timeout_ms,
            "serverSelectionTimeoutMS": min(10_000, self.mongodb_timeout_ms),
        }

    @property
    def jwks_url(self) -> str:
        return self.oidc_jwks_url or f"{self.oidc_issuer.rstrip('/')}/protocol/openid-connect/certs"

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
