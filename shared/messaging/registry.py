"""One registry of versioned event contracts: build, parse and export their JSON Schemas."""

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from shared.messaging.envelope import Envelope, new_event_id, now

SCHEMA_URN = "urn:pembinaan:event:{type}:v{version}"


class UnknownEventType(LookupError):
    """No contract is registered for this event type and version."""


class InvalidEventPayload(ValueError):
    """The payload does not satisfy its contract."""


class EventData(BaseModel):
    """Base of every event payload; `event_type` and `version` are set by @contract."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    event_type: ClassVar[str]
    version: ClassVar[int]
    topic: ClassVar[str | None] = None  # set only for a contract that travels off its service's `<service>.events`


class ContractRegistry:
    def __init__(self) -> None:
        self._models: dict[tuple[str, int], type[EventData]] = {}

    def register(self, model: type[EventData]) -> None:
        key = (model.event_type, model.version)
        if key in self._models and self._models[key] is not model:
            raise ValueError(f"contract {key} registered twice")
        self._models[key] = model

    def model_for(self, event_type: str, version: int) -> type[EventData]:
        try:
            return self._models[(event_type, version)]
        except KeyError:
            raise UnknownEventType(f"no contract for {event_type} v{version}") from None

    def parse(self, envelope: Envelope) -> EventData:
        """The typed payload of an envelope, or UnknownEventType / InvalidEventPayload."""
        if ":v" not in envelope.dataschema:
            raise UnknownEventType(f"dataschema {envelope.dataschema!r} names no version")
        model = self.model_for(envelope.type, envelope.version)
        try:
            return model.model_validate(envelope.data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise InvalidEventPayload(f"{envelope.type} v{envelope.version}: {where}: {first['msg']}") from error

    def json_schemas(self) -> dict[str, dict[str, Any]]:
        """JSON Schema of every contract, keyed by its dataschema URN."""
        return {
            SCHEMA_URN.format(type=event_type, version=version): {
                "$id": SCHEMA_URN.format(type=event_type, version=version),
                "description": (model.__doc__ or "").strip(),
                **({"x-topic": model.topic} if model.topic else {}),
                **model.model_json_schema(),
            }
            for (event_type, version), model in sorted(self._models.items())
        }

    def contracts(self) -> list[type[EventData]]:
        return [model for _, model in sorted(self._models.items())]

    def event_types(self) -> list[str]:
        return sorted({event_type for event_type, _ in self._models})


registry = ContractRegistry()
Model = TypeVar("Model", bound=type[EventData])


def contract(event_type: str, version: int, *, topic: str | None = None) -> Callable[[Model], Model]:
    """Class decorator: name a payload model's event type and version (and its topic when not its service's
    `<service>.events`), and register it."""

    def register(model: Model) -> Model:
        model.event_type = event_type
        model.version = version
        model.topic = topic
        registry.register(model)
        return model

    return register


def envelope_for(
    payload: EventData,
    *,
    source: str,
    subject: str,
    sequence: int,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Envelope:
    """Wrap a payload in its envelope; the subject is the aggregate id and Kafka key."""
    return Envelope(
        id=new_event_id(),
        specversion="1.0",
        time=now(),
        source=source,
        type=payload.event_type,
        subject=subject,
        dataschema=SCHEMA_URN.format(type=payload.event_type, version=payload.version),
        correlationid=correlation_id,
        causationid=causation_id,
        sequence=sequence,
        data=payload.model_dump(mode="json"),
    )
