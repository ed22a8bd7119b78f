"""Today's page: cohorts in session today, enrolments waiting for their cohort's start, waiting lists and the
releases due this month; each part shown when the person's roles may read it."""

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.console.clients.enrolment import Enrolment, EnrolmentDep, Json
from services.console.home import domain
from services.console.sessions.pages import SessionDep
from services.console.views.languages import marked
from services.console.views.navigation import Entry
from services.console.views.rendering import render

router = APIRouter(include_in_schema=False)
navigation = [Entry("/", marked("Today"))]
FACILITY_TIME = ZoneInfo("Asia/Jakarta")


async def nothing() -> list[Json]:
    return []


async def programme_names(enrolment: Enrolment, cohorts: list[Json]) -> dict[str, str]:
    ids = sorted({cohort["programme_id"] for cohort in cohorts})
    programmes = await asyncio.gather(*(enrolment.programme(programme_id) for programme_id in ids))
    return {programme["id"]: programme["name"] for programme in programmes}


@router.get("/", response_class=HTMLResponse)
async def today_page(request: Request, session: SessionDep, enrolment: EnrolmentDep) -> HTMLResponse:
    person = session.person
    today = datetime.now(FACILITY_TIME).date()
    first, last = domain.month_of(today)
    cohorts, approved, releases = await asyncio.gather(
        enrolment.cohorts() if person.may("cohorts:read") else nothing(),
        enrolment.enrolments(state="approved") if person.may("enrolments:read") else nothing(),
        enrolment.releases_due(first, last) if person.may("participants:read") else nothing(),
    )
    running = [cohort for cohort in cohorts if domain.running_on(cohort, today)]
    waiting = domain.with_waiting_list(cohorts)
    names = await programme_names(enrolment, running + waiting)
    shown: dict[str, Any] = {
        "cohorts": person.may("cohorts:read"),
        "enrolments": person.may("enrolments:read"),
        "releases": person.may("participants:read"),
    }
    return render(
        request,
        "home/today.html",
        today=today,
        shown=shown,
        running=running,
        waiting=waiting,
        waiting_people=sum(len(cohort["waitlist"]) for cohort in waiting),
        approved=approved,
        releases=releases,
        programmes=names,
    )
