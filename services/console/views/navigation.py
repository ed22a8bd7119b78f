"""The navigation: each area's entry and the role (scope) it needs; a person sees the entries their roles allow."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    path: str
    label: str
    """A message id (translated when shown)."""
    needs: str | None = None
    """The realm role (scope) without which the area's pages would only be refused; None: everyone signed in."""


def allowed(entries: Iterable[Entry], roles: frozenset[str]) -> list[Entry]:
    return [entry for entry in entries if entry.needs is None or entry.needs in roles]
