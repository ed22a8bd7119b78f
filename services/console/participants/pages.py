"""Participants: the facility's list, a search by name, NIK or registration number (a POST form: never in a URL),
registration with each refusal beside its field, and a participant's page (enrolments, attendance, certificates,
premi)."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.console.clients.enrolment import Enrolment, EnrolmentDep, Json
from services.console.clients.upstream import ServiceProblem
from services.console.forms.keys import key_of, new_key
from services.console.forms.problems import Form, explained
from services.console.participants import forms
from services.console.sessions.domain import Session
from services.console.sessions.pages import PostedForm, SessionDep
from services.console.views.labels import CLASSIFICATIONS
from services.console.views.languages import marked
from services.console.views.navigation import Entry
from services.console.views.rendering import render
from shared.http.parameters import PathId

router = APIRouter(include_in_schema=False)
navigation = [Entry("/peserta", marked("Participants"), needs="participants:read")]
RECORDED = ("active", "suspended", "completed", "ended")
"""Enrolments that have attendance to show."""


def listing(request: Request, session: Session, found: Json, search: Form, *, status: int = 200) -> HTMLResponse:
    return render(
        request, "participants/list.html", status=status, found=found, search=search,
        may_register=session.person.may("participants:write"),
    )  # fmt: skip


@router.get("/peserta", response_class=HTMLResponse)
async def list_page(
    request: Request,
    session: SessionDep,
    enrolment: EnrolmentDep,
    after: Annotated[str | None, Query(alias="setelah", max_length=64)] = None,
) -> HTMLResponse:
    return listing(request, session, await enrolment.participants(after=after), Form())


@router.post("/peserta/cari", response_class=HTMLResponse)
async def search_page(request: Request, session: SessionDep, enrolment: EnrolmentDep, form: PostedForm) -> HTMLResponse:
    search = Form(values={"q": str(form.get("q", "")).strip()})
    try:
        found = await enrolment.search_participants(search.values["q"])
    except ServiceProblem as problem:
        if problem.status != 422:
            raise
        refused = explained(search, problem, forms.SEARCH_MESSAGES, fields=forms.SEARCH_FIELDS)
        return listing(request, session, {"items": [], "next_cursor": None}, refused, status=422)
    return listing(request, session, found, search)


def registration_page(request: Request, session: Session, form: Form, *, status: int = 200) -> HTMLResponse:
    return render(
        request, "participants/register.html", status=status, form=form, classifications=CLASSIFICATIONS,
        own_facility=session.person.reach.get("facility_id"),
    )  # fmt: skip


@router.get("/peserta/baru", response_class=HTMLResponse)
async def registration_form(request: Request, session: SessionDep) -> HTMLResponse:
    return registration_page(request, session, Form(idempotency_key=new_key()))


@router.post("/peserta/baru", response_class=HTMLResponse)
async def register(request: Request, session: SessionDep, enrolment: EnrolmentDep, form: PostedForm) -> Response:
    values = forms.registration_values(form, facility_id=session.person.reach.get("facility_id"))
    typed = Form(values=values, idempotency_key=key_of(form))
    try:
        assert typed.idempotency_key is not None
        created = await enrolment.register_participant(
            forms.registration_body(values), idempotency_key=typed.idempotency_key
        )
    except ServiceProblem as problem:
        if problem.status not in (403, 409, 422):
            raise
        shown = {name: name for name in forms.REGISTRATION_FIELDS}
        refused = explained(typed, problem, forms.REGISTRATION_MESSAGES, fields=shown)
        return registration_page(request, session, refused, status=problem.status)
    return RedirectResponse(f"/peserta/{created['id']}?baru=1", status_code=303)


async def enrolment_lines(enrolment: Enrolment, participant_id: str) -> list[Json]:
    """Each enrolment with its programme's name and, once training began, its attendance."""
    enrolments = await enrolment.enrolments(participant_id=participant_id)
    programme_ids = sorted({line["programme_id"] for line in enrolments})
    programmes = await asyncio.gather(*(enrolment.programme(programme_id) for programme_id in programme_ids))
    names = {programme["id"]: programme["name"] for programme in programmes}
    attended = await asyncio.gather(
        *(enrolment.attendance(line["id"]) if line["state"] in RECORDED else none() for line in enrolments)
    )
    return [
        line | {"programme": names.get(line["programme_id"], line["programme_id"]), "attendance": marks}
        for line, marks in zip(enrolments, attended, strict=True)
    ]


async def none() -> None:
    return None


async def nothing() -> list[Json]:
    return []


@router.get("/peserta/{participant_id}", response_class=HTMLResponse)
async def participant_page(
    request: Request, session: SessionDep, enrolment: EnrolmentDep, participant_id: PathId
) -> HTMLResponse:
    participant, record, lines = await asyncio.gather(
        enrolment.participant(participant_id),
        enrolment.training_record(participant_id),
        enrolment_lines(enrolment, participant_id) if session.person.may("enrolments:read") else nothing(),
    )
    return render(
        request, "participants/participant.html", participant=participant, record=record, enrolments=lines,
        registered="baru" in request.query_params,
    )  # fmt: skip
