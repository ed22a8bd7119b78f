"""What today's page counts, from what the services answer; pure. The services decide every state; this only
picks the ones that matter today."""

from calendar import monthrange
from datetime import date
from typing import Any

Json = dict[str, Any]


def running_on(cohort: Json, day: date) -> bool:
    """Started, not closed, and `day` within its dates."""
    if cohort.get("started_on") is None or cohort.get("closed_on") is not None:
        return False
    return date.fromisoformat(cohort["starts_on"]) <= day <= date.fromisoformat(cohort["ends_on"])


def with_waiting_list(cohorts: list[Json]) -> list[Json]:
    """Open cohorts with someone waiting, the longest list first."""
    waiting = [cohort for cohort in cohorts if cohort["waitlist"] and cohort.get("closed_on") is None]
    return sorted(waiting, key=lambda cohort: -len(cohort["waitlist"]))


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of `day`'s month."""
    return day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1])
