"""The AsyncAPI document rendered to the static HTML page each service serves at `/events/catalogue`."""

import json
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

INLINE_CODE = re.compile(r"`([^`]+)`")

TEMPLATES = Path(__file__).with_name("templates")
Document = dict[str, Any]


def render_page(document: Document) -> str:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), keep_trailing_newline=True
    )
    environment.filters["prose"] = prose
    channels = [channel_view(channel, document) for channel in document["channels"].values()]
    messages = set(document["components"]["messages"])
    nested = [
        {"name": name, "summary": schema.get("description", ""), "fields": fields(schema, document)}
        for name, schema in document["components"]["schemas"].items()
        if name not in messages
    ]
    template = environment.get_template("catalogue.html.j2")
    return template.render(asyncapi=document["asyncapi"], info=document["info"], channels=channels, nested=nested)


def prose(text: str) -> Markup:
    """Text with its `backticked` words set as code, everything else escaped."""
    return Markup(INLINE_CODE.sub(lambda found: f"<code>{found.group(1)}</code>", str(escape(text))))


def resolve(reference: Document, document: Document) -> Document:
    """The object a local `$ref` points at (or the object itself when it is none)."""
    if "$ref" not in reference:
        return reference
    found: Any = document
    for part in reference["$ref"].removeprefix("#/").split("/"):
        found = found[part.replace("~1", "/").replace("~0", "~")]
    return dict(found)


def channel_view(channel: Document, document: Document) -> Document:
    messages = [resolve(message, document) for message in channel["messages"].values()]
    first_key = messages[0]["bindings"]["kafka"]["key"]["description"]
    return {
        "address": channel["address"],
        "description": channel["description"],
        "cleanup_policy": ",".join(channel["bindings"]["kafka"]["topicConfiguration"]["cleanup.policy"]),
        "key": first_key.lower(),
        "messages": [message_view(message, document) for message in messages],
    }


def message_view(message: Document, document: Document) -> Document:
    data = message["payload"].get("properties", {}).get("data")
    examples = message.get("examples", [])
    example = json.dumps(examples[0]["payload"], indent=2) if examples else None
    return {
        "id": message["name"],
        "title": message["title"],
        "summary": message["summary"],
        "fields": fields(resolve(data, document), document) if data else [],
        "example": example,
    }


def fields(schema: Document, document: Document) -> list[Document]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_name(field, document),
            "required": name in required,
            "description": field.get("description", ""),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def type_name(schema: Document, document: Document) -> str:
    if "$ref" in schema:
        return str(schema["$ref"].rsplit("/", 1)[1])
    if "anyOf" in schema:
        return " or ".join(type_name(option, document) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {type_name(schema.get('items', {}), document)}"
    kind = str(schema.get("type", "any"))
    return f"{kind} ({schema['format']})" if "format" in schema else kind
