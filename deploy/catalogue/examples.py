"""An example of every contract, drawn from its JSON Schema and checked against the contract itself."""

from typing import Any
from uuid import NAMESPACE_URL, uuid5

from shared.messaging.envelope import Envelope
from shared.messaging.registry import SCHEMA_URN, EventData

EXAMPLE_DAY = "2026-10-23"
EXAMPLE_TIME = "2026-10-23T08:00:00Z"
Schema = dict[str, Any]
NAMED_EXAMPLES = {"unit": "kg", "currency": "IDR", "grade": "A", "source": "harvest"}


def example_value(name: str, schema: Schema, definitions: dict[str, Schema]) -> Any:
    """A plausible value for one field: its const, enum or default, else one of its type."""
    if "$ref" in schema:
        return example_value(name, definitions[schema["$ref"].rsplit("/", 1)[1]], definitions)
    if "anyOf" in schema:
        option = next(option for option in schema["anyOf"] if option.get("type") != "null")
        return example_value(name, option, definitions)
    for given in ("const", "default"):
        if schema.get(given) is not None:
            return schema[given]
    if schema.get("enum"):
        return schema["enum"][0]
    return typed_example(name, schema, definitions)


def typed_example(name: str, schema: Schema, definitions: dict[str, Schema]) -> Any:
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {field: example_value(field, inner, definitions) for field, inner in properties.items()}
    if kind == "array":
        return [example_value(name, schema.get("items", {}), definitions)]
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)), int(schema.get("exclusiveMinimum", 0)) + 1)
    if kind == "number":
        return 2.5
    if kind == "boolean":
        return True
    return string_example(name, schema)


def string_example(name: str, schema: Schema) -> str:
    if schema.get("format") == "date":
        return EXAMPLE_DAY
    if schema.get("format") == "date-time":
        return EXAMPLE_TIME
    if schema.get("pattern") == r"^-?\d+(\.\d+)?$":  # shared.contracts.amounts.ExactDecimal
        return "12.5"
    if name in NAMED_EXAMPLES:
        return NAMED_EXAMPLES[name]
    return f"{name.removesuffix('_id').replace('_', '-')}-1"


def data_example(model: type[EventData]) -> dict[str, Any]:
    """An example payload that the contract accepts (a ValidationError here means the schema needs an example)."""
    schema = model.model_json_schema()
    example: dict[str, Any] = example_value(model.event_type, schema, schema.get("$defs", {}))
    model.model_validate(example)
    return example


def envelope_example(model: type[EventData]) -> dict[str, Any]:
    """The whole event as it travels: the envelope around an example payload, checked against the envelope."""
    data = data_example(model)
    subject = next((str(value) for field, value in data.items() if field.endswith("_id")), "aggregate-1")
    envelope = {
        "id": str(uuid5(NAMESPACE_URL, f"{model.event_type}:{model.version}")),
        "source": f"/services/{model.event_type.split('.')[0]}",
        "specversion": "1.0",
        "type": model.event_type,
        "time": EXAMPLE_TIME,
        "subject": subject,
        "datacontenttype": "application/json",
        "dataschema": SCHEMA_URN.format(type=model.event_type, version=model.version),
        "correlationid": "req-6f1c2a",
        "causationid": None,
        "sequence": 1,
        "data": data,
    }
    Envelope.model_validate(envelope)
    return envelope
