"""The metric names the services export, and those a PromQL expression reads."""

import importlib
import re

from prometheus_client import REGISTRY

SERVICES = ("enrolment", "production", "marketplace", "notifications")
MADE_BY_PROMETHEUS = frozenset({"up"})
SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created")}

STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
MATCHERS = re.compile(r"\{[^}]*\}")
RANGES = re.compile(r"\[[^\]]*\]")
GROUPINGS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
NAME = re.compile(r"(?<![A-Za-z0-9_:.$])([A-Za-z_:][A-Za-z0-9_:]*)(?![A-Za-z0-9_:]|\s*\()")
OPERATORS = frozenset({"and", "or", "unless", "bool", "offset", "inf", "nan"})


def exported() -> frozenset[str]:
    """Every sample name the four services' apps export: their modules define the metrics at import."""
    for service in SERVICES:
        importlib.import_module(f"services.{service}.main")
    names = set(MADE_BY_PROMETHEUS)
    for family in REGISTRY.collect():
        suffixes = SUFFIXES.get(family.type, ("",))
        names.update(family.name + suffix for suffix in suffixes)
    return frozenset(names)


def read_by(expression: str) -> set[str]:
    """The metric names an expression selects: what is left once strings, label matchers, ranges, groupings,
    function calls and operators are taken out."""
    bare = GROUPINGS.sub(" ", RANGES.sub(" ", MATCHERS.sub(" ", STRINGS.sub(" ", expression))))
    return {name for name in NAME.findall(bare) if name.lower() not in OPERATORS}
