"""The compatibility check: each kind of incompatible contract change is caught; an optional field is not."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from deploy.catalogue.compatibility import breaking_changes, incompatible_contracts
from shared.contracts.marketplace import OrderPlaced
from shared.messaging.registry import registry

PUBLISHED = Path(__file__).resolve().parents[3] / "docs" / "events"
Schema = dict[str, Any]


def published_order_placed() -> Schema:
    return OrderPlaced.model_json_schema()


def changed(change: Any) -> Schema:
    schema = copy.deepcopy(published_order_placed())
    change(schema)
    return schema


def test_every_registered_contract_is_compatible_with_its_published_schema() -> None:
    assert incompatible_contracts(registry.json_schemas(), PUBLISHED) == {}


def test_an_unchanged_or_reworded_contract_is_compatible() -> None:
    reworded = changed(lambda schema: schema["properties"]["order_id"].update(description="Another wording"))
    assert breaking_changes(published_order_placed(), published_order_placed()) == []
    assert breaking_changes(published_order_placed(), reworded) == []


def test_a_new_optional_field_is_compatible() -> None:
    added = changed(lambda schema: schema["properties"].update(note={"type": "string", "default": ""}))
    assert breaking_changes(published_order_placed(), added) == []


def rename(schema: Schema) -> None:
    schema["properties"]["order_ref"] = schema["properties"].pop("order_id")
    schema["required"] = ["order_ref" if name == "order_id" else name for name in schema["required"]]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda schema: schema["properties"].pop("total"), ["total removed (or renamed)"]),
        (rename, ["order_id removed (or renamed)", "order_ref added as required"]),
        (lambda schema: schema["properties"]["currency"].update(pattern="^[A-Z]{2}$"), ["currency retyped"]),
        (lambda schema: schema["properties"]["order_id"].update(type="integer"), ["order_id retyped"]),
        (lambda schema: schema["required"].append("currency"), ["currency made required"]),
        (lambda schema: schema["$defs"]["OrderLine"]["properties"].pop("unit"), ["lines[].unit removed"]),
        (lambda schema: schema["$defs"]["OrderLine"]["required"].append("x"), ["lines[].x added as required"]),
        (lambda schema: schema["properties"]["lines"].update(type="object"), ["lines retyped"]),
    ],
    ids=["removed", "renamed", "constrained", "retyped", "made-required", "nested-removed", "nested-required", "list"],
)
def test_an_incompatible_change_is_caught_naming_the_field(change: Any, expected: list[str]) -> None:
    problems = breaking_changes(published_order_placed(), changed(change))
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start), problems


def test_a_published_schema_that_the_registry_no_longer_honours_is_reported_by_file(tmp_path: Path) -> None:
    current = registry.json_schemas()
    urn = "urn:pembinaan:event:marketplace.order.placed:v1"
    (tmp_path / "marketplace.order.placed.v1.json").write_text(
        (PUBLISHED / "marketplace.order.placed.v1.json").read_text()
    )
    narrowed = {urn: changed(lambda schema: schema["properties"].pop("held_until"))}
    assert incompatible_contracts(narrowed, tmp_path) == {
        "marketplace.order.placed.v1.json": ["held_until removed (or renamed)"]
    }
    assert incompatible_contracts(current, tmp_path) == {}


def test_the_generator_refuses_to_overwrite_a_published_schema_with_an_incompatible_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from deploy.catalogue.__main__ import main

    published = json.loads((PUBLISHED / "marketplace.order.placed.v1.json").read_text())
    published["properties"]["buyer_note"] = {"type": "string"}  # as if the contract had since lost this field
    (tmp_path / "marketplace.order.placed.v1.json").write_text(json.dumps(published))
    monkeypatch.setattr("sys.argv", ["shared.events", str(tmp_path)])
    with pytest.raises(SystemExit, match="new version"):
        main()
    assert "buyer_note removed (or renamed)" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["marketplace.order.placed.v1.json"]
