"""The console's languages: Indonesian first, English on request (a cookie). Catalogues are the .po files under
`services/console/locales`, compiled in memory with Babel when the app starts, so a fresh clone needs no build."""

import io
from contextvars import ContextVar
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT = "id"
COOKIE = "bahasa"
LOCALES = "services.console"

active: ContextVar[str] = ContextVar("active_language", default=DEFAULT)
"""The language of the page being rendered (set around each render)."""


def language_of(request: Request) -> str:
    chosen = request.cookies.get(COOKIE, DEFAULT)
    return chosen if chosen in LANGUAGES else DEFAULT


def catalogue_path(language: str) -> str:
    return f"locales/{language}/LC_MESSAGES/messages.po"


def compiled(language: str) -> Translations:
    """One language's catalogue, read from its .po file (fuzzy entries left out) and compiled."""
    source = resources.files(LOCALES).joinpath(catalogue_path(language)).read_bytes()
    catalogue = read_po(io.BytesIO(source), locale=language)
    binary = io.BytesIO()
    write_mo(binary, catalogue, use_fuzzy=False)
    binary.seek(0)
    return Translations(binary)


class Catalogues:
    """Every language's translations; `gettext` and `ngettext` answer in the active language."""

    def __init__(self) -> None:
        self._translations = {language: compiled(language) for language in LANGUAGES}

    def gettext(self, message: str) -> str:
        return self._translations[active.get()].gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._translations[active.get()].ngettext(singular, plural, count)


def marked(message: str) -> str:
    """Marks a message in code for the catalogue (`pybabel extract -k marked`); it is translated when shown."""
    return message
