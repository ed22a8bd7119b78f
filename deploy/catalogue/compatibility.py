"""Whether a contract's JSON Schema still accepts what its published version promised: no field removed,
renamed, retyped or made required. A new optional field is compatible; anything else needs a new version."""

import json
from pathlib import Path
from typing import Any

Schema = dict[str, Any]
WORDING = frozenset({"description", "title", "examples", "default", "$id", "x-topic"})
"""Keys that document a field without changing what it accepts."""


def breaking_changes(published: Schema, current: Schema) -> list[str]:
    """What in `current` breaks the promise of `published`, one sentence each (empty when compatible)."""
    return Comparison(published.get("$defs", {}), current.get("$defs", {})).compare(published, current, "")


class Comparison:
    def __init__(self, published_defs: dict[str, Schema], current_defs: dict[str, Schema]) -> None:
        self._published_defs = published_defs
        self._current_defs = current_defs

    def compare(self, published: Schema, current: Schema, path: str) -> list[str]:
        published = resolved(published, self._published_defs)
        current = resolved(current, self._current_defs)
        if is_object(published) and is_object(current):
            return self._compare_objects(published, current, path)
        if published.get("type") == "array" and current.get("type") == "array":
            return self.compare(published.get("items", {}), current.get("items", {}), f"{path}[]")
        if "anyOf" in published and "anyOf" in current and len(published["anyOf"]) == len(current["anyOf"]):
            pairs = zip(published["anyOf"], current["anyOf"], strict=True)
            return [problem for old, new in pairs for problem in self.compare(old, new, path)]
        before, after = shape(published, self._published_defs), shape(current, self._current_defs)
        if before != after:
            return [f"{path or 'the payload'} retyped from {json.dumps(before)} to {json.dumps(after)}"]
        return []

    def _compare_objects(self, published: Schema, current: Schema, path: str) -> list[str]:
        old_fields, new_fields = published.get("properties", {}), current.get("properties", {})
        problems = []
        for name, old_field in old_fields.items():
            if name in new_fields:
                problems += self.compare(old_field, new_fields[name], joined(path, name))
            else:
                problems.append(f"{joined(path, name)} removed (or renamed)")
        for name in sorted(set(current.get("required", [])) - set(published.get("required", []))):
            problems.append(f"{joined(path, name)} {'made' if name in old_fields else 'added as'} required")
        return problems


def joined(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def resolved(schema: Schema, definitions: dict[str, Schema]) -> Schema:
    while "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def is_object(schema: Schema) -> bool:
    return schema.get("type") == "object" and "properties" in schema


def shape(schema: Any, definitions: dict[str, Schema]) -> Any:
    """What a schema accepts, without its wording and with its references resolved."""
    if isinstance(schema, list):
        return [shape(item, definitions) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = resolved(schema, definitions)
    return {key: shape(value, definitions) for key, value in sorted(schema.items()) if key not in WORDING}


def incompatible_contracts(current: dict[str, Schema], published_dir: Path) -> dict[str, list[str]]:
    """Per published schema file, what the registry's current schema breaks; contracts not yet published pass."""
    found = {}
    for urn, schema in current.items():
        published = published_dir / (urn.removeprefix("urn:pembinaan:event:").replace(":", ".") + ".json")
        if published.exists() and (problems := breaking_changes(json.loads(published.read_text()), schema)):
            found[published.name] = problems
    return found
