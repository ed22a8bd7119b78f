"""The metric names and labels the services export, and those a PromQL expression reads."""

import importlib
import re

from prometheus_client import REGISTRY

SERVICES = ("enrolment", "production", "marketplace", "notifications")
MADE_BY_PROMETHEUS = frozenset({"up"})
TARGET_LABELS = frozenset({"job", "instance"})
"""Labels Prometheus adds to every scraped sample."""
SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created")}

STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
MATCHERS = re.compile(r"\{[^}]*\}")
RANGES = re.compile(r"\[[^\]]*\]")
GROUPINGS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
NAME = re.compile(r"(?<![A-Za-z0-9_:.$])([A-Za-z_:][A-Za-z0-9_:]*)(?![A-Za-z0-9_:]|\s*\()")
OPERATORS = frozenset({"and", "or", "unless", "bool", "offset", "inf", "nan"})
GROUPED_BY = re.compile(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)")
MATCHED_LABEL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)")


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


def exported_labels() -> dict[str, frozenset[str]]:
    """Each exported sample name's label names. prometheus_client has no public API for them: this reads the
    registry's map of names to collectors and their label names, which every version since 0.4 has kept."""
    exported()
    labels = dict.fromkeys(MADE_BY_PROMETHEUS, TARGET_LABELS)
    for name, collector in REGISTRY._names_to_collectors.items():
        own = frozenset(getattr(collector, "_labelnames", ()))
        labels[name] = own | TARGET_LABELS | ({"le"} if name.endswith("_bucket") else frozenset())
    return labels


def labels_read(expression: str) -> set[str]:
    """The label names an expression groups, joins or matches by."""
    bare = STRINGS.sub('""', expression)
    grouped = {label.strip() for group in GROUPED_BY.findall(bare) for label in group.split(",") if label.strip()}
    matched = {label for matchers in re.findall(r"\{([^}]*)\}", bare) for label in MATCHED_LABEL.findall(matchers)}
    return grouped | matched


def unknown_in(expression: str) -> list[str]:
    """What the expression reads that no service exports: metric names, then labels of the metrics it reads."""
    read, labels = read_by(expression), exported_labels()
    if not read:
        return ["no metric at all"]
    if missing := sorted(read - labels.keys()):
        return [f"metric {name}" for name in missing]
    known = frozenset().union(*(labels[name] for name in read))
    return [f"label {label}" for label in sorted(labels_read(expression) - known)]
