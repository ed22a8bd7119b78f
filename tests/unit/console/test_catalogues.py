"""The message catalogues: up to date with the code and templates, every message translated into Indonesian
with the same placeholders, and the English one complete."""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[3]
LOCALES = REPO / "services" / "console" / "locales"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "marked": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue(language: str) -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


def extracted() -> set[str | tuple[str, ...]]:
    with (LOCALES / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(str(REPO), method_map, options_map, keywords=KEYWORDS)
    return {message for _, _, message, _, _ in found}


def ids(language: str) -> set[str | tuple[str, ...]]:
    return {message.id for message in catalogue(language) if message.id}


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_catalogue_holds_every_message_of_the_code_and_templates_and_no_other(language: str) -> None:
    assert ids(language) == extracted(), "run `make messages`, then translate what is new (docs/console.md)"


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_message_is_translated_keeping_its_placeholders(language: str) -> None:
    for message in catalogue(language):
        if not message.id:
            continue
        assert not message.fuzzy, f"{message.id!r} is fuzzy in {language}"
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        assert all(texts), f"{message.id!r} is not translated into {language}"
        for text in texts:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(source)), message.id
