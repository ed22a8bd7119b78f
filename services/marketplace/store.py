"""The marketplace service's documents."""

from pymongo import IndexModel

INDEXES: dict[str, list[IndexModel]] = {}
