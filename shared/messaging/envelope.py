"""CloudEvents 1.0 envelope in structured JSON mode, as carried on Kafka."""

from datetime import UTC, datetime
from typing import Any, Literal, Self

import uuid_utils
from pydantic import BaseModel, ConfigDict, Field, ValidationError

VERSIONED_SCHEMA = r"^\S+:v[1-9][0-9]*$"
"""A dataschema ends in its contract's version, a whole number from 1."""


class MalformedEvent(ValueError):
    """The bytes are not a CloudEvents 1.0 JSON envelope."""


def new_event_id() -> str:
    """A UUIDv7 (RFC 9562): unique like any UUID, and rising with time, so that the index every consumer keeps
    of the events it handled (its dedupe records) grows at its end instead of at random places."""
    return str(uuid_utils.uuid7())


def now() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel):
    """One event: routing and tracing attributes around a versioned payload."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(min_length=1, description="Unique per event; consumers deduplicate by it")
    source: str = Field(min_length=1, description="Publishing service, e.g. /services/enrolment")
    specversion: Literal["1.0"]
    type: str = Field(min_length=1, description="<service>.<aggregate>.<past_tense>")
    time: datetime
    subject: str = Field(min_length=1, description="Aggregate id; also the Kafka message key")
    datacontenttype: str = "application/json"
    dataschema: str = Field(pattern=VERSIONED_SCHEMA, description="urn:pembinaan:event:<type>:v<version>")
    correlationid: str | None = None
    causationid: str | None = None
    sequence: int = Field(ge=1, description="Position of this event in its aggregate's history")
    data: dict[str, Any]

    @property
    def version(self) -> int:
        return int(self.dataschema.rsplit(":v", 1)[1])

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> Self:
        if not raw:
            raise MalformedEvent("empty message")
        try:
            return cls.model_validate_json(raw)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "message"
            raise MalformedEvent(f"{where}: {first['msg']}") from error
