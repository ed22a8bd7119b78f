"""Links: which programme, agency, facility and commodity each event concerns, learnt from events alone; pure,
no I/O.

Events name some of it directly (`programme_id`, `agency_ids`, `facility_id`, `commodity`); the rest comes
from links learnt from earlier (or later) events: a programme's agency from enrolment, a site's facility and
a lot's programme and commodity from production. An event whose links are not known yet waits for them, so
events may arrive in any order.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

PROGRAMME, LOT, SITE = "programme", "lot", "site"


def key(kind: str, aggregate_id: str) -> str:
    return f"{kind}:{aggregate_id}"


@dataclass(frozen=True)
class Link:
    """What one aggregate (`programme:<id>`, `lot:<id>`, `site:<id>`) belongs to, as far as known."""

    key: str
    programme_id: str | None = None
    agency_id: str | None = None
    facility_id: str | None = None
    site_id: str | None = None
    commodity: str | None = None


@dataclass(frozen=True)
class Scope:
    """Whom and what an event concerns. A programme- or agency-bound event reaches an agency only when it is
    one of `agency_ids` (or its subscription covers every programme)."""

    programme_ids: frozenset[str] = frozenset()
    agency_ids: frozenset[str] = frozenset()
    facility_ids: frozenset[str] = frozenset()
    commodities: frozenset[str] = frozenset()

    @property
    def bound(self) -> bool:
        return bool(self.programme_ids or self.agency_ids)


@dataclass(frozen=True)
class Resolution:
    scope: Scope
    waiting_on: frozenset[str] = field(default_factory=frozenset)


def links_taught(event_type: str, data: Mapping[str, Any]) -> list[Link]:
    """The links an event teaches: programmes' agencies, sites' facilities, lots' programmes."""
    if event_type.startswith("enrolment.") and data.get("programme_id") and data.get("agency_id"):
        return [Link(key(PROGRAMME, data["programme_id"]), agency_id=data["agency_id"])]
    if event_type == "production.site.registered":
        return [Link(key(SITE, data["site_id"]), facility_id=data["facility_id"])]
    if event_type == "production.lot.graded":
        lot = Link(key(LOT, data["lot_id"]), data["programme_id"], site_id=data["site_id"], commodity=data["commodity"])
        return [lot]
    return []


NONE: frozenset[str] = frozenset()


def _strings(*values: Any) -> frozenset[str]:
    if not any(values):  # most payloads name few of these: the common case, made cheap (it runs per event)
        return NONE
    found: set[str] = set()
    for value in values:
        if isinstance(value, str) and value:
            found.add(value)
        elif isinstance(value, list):
            found.update(item for item in value if isinstance(item, str) and item)
    return frozenset(found)


def named_scope(data: Mapping[str, Any]) -> Scope:
    """What the payload names itself."""
    return Scope(
        programme_ids=_strings(data.get("programme_id"), data.get("programme_ids")),
        agency_ids=_strings(data.get("agency_id"), data.get("agency_ids")),
        facility_ids=_strings(
            data.get("facility_id"), data.get("facility_ids"), data.get("from_facility_id"), data.get("to_facility_id")
        ),
        commodities=_strings(data.get("commodity"), data.get("product")),
    )


def keys_needed(data: Mapping[str, Any]) -> frozenset[str]:
    """The links the first step of resolving needs: the payload's lots, sites and programmes."""
    lots = {key(LOT, lot) for lot in _strings(data.get("lot_id"))}
    sites = {key(SITE, site) for site in _strings(data.get("site_id"))}
    programmes = {key(PROGRAMME, p) for p in _strings(data.get("programme_id"), data.get("programme_ids"))}
    return frozenset(lots | sites | programmes)


def resolve(data: Mapping[str, Any], links: Mapping[str, Link]) -> Resolution:
    """The event's scope from its payload and the links known; what it still waits for, if anything."""
    scope, waiting = named_scope(data), set[str]()
    for lot in _strings(data.get("lot_id")):
        found = links.get(key(LOT, lot))
        if found is None or not found.programme_id:
            waiting.add(key(LOT, lot))
            continue
        scope = _widened(scope, found)
        scope = _with_site(scope, found.site_id, links, waiting)
    for site in _strings(data.get("site_id")):
        scope = _with_site(scope, site, links, waiting)
    agencies_given = "agency_ids" in data  # listings and orders name their agencies themselves
    for programme in scope.programme_ids:
        found = links.get(key(PROGRAMME, programme))
        if found is not None and found.agency_id:
            scope = replace(scope, agency_ids=scope.agency_ids | {found.agency_id})
        elif not agencies_given:
            waiting.add(key(PROGRAMME, programme))
    return Resolution(scope, frozenset(waiting))


def _widened(scope: Scope, link: Link) -> Scope:
    return replace(
        scope,
        programme_ids=scope.programme_ids | _strings(link.programme_id),
        commodities=scope.commodities | _strings(link.commodity),
    )


def _with_site(scope: Scope, site_id: str | None, links: Mapping[str, Link], waiting: set[str]) -> Scope:
    if not site_id:
        return scope
    found = links.get(key(SITE, site_id))
    if found is None or not found.facility_id:
        waiting.add(key(SITE, site_id))
        return scope
    return replace(scope, facility_ids=scope.facility_ids | _strings(found.facility_id))


def second_keys(links: Iterable[Link]) -> frozenset[str]:
    """Links a lot leads to: its programme and its site."""
    found = set[str]()
    for link in links:
        if link.programme_id:
            found.add(key(PROGRAMME, link.programme_id))
        if link.site_id:
            found.add(key(SITE, link.site_id))
    return frozenset(found)
