"""Sign-in, sign-out and the language switch; and what every page depends on: a live session (else a sign-in
that returns to the same page) and, on every POST, the session's CSRF token."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from services.console.sessions import handlers
from services.console.sessions.domain import Session, return_path
from services.console.sessions.issuer import SignInFailed
from services.console.views.languages import COOKIE as LANGUAGE_COOKIE
from services.console.views.languages import LANGUAGES, marked
from services.console.views.rendering import problem_page, render

router = APIRouter(include_in_schema=False)
SESSION_COOKIE = "konsol_sesi"
SIGN_IN_COOKIE = "konsol_masuk"
CALLBACK = "/masuk/selesai"
SIGNED_OUT = "/keluar/selesai"
YEAR_SECONDS = 365 * 24 * 3600


class SignInRequired(Exception):
    """No live session: sign in, then come back to `return_to`."""

    def __init__(self, return_to: str) -> None:
        super().__init__(return_to)
        self.return_to = return_to


class CsrfRefused(Exception):
    """A POST without this session's CSRF token."""


def secure_cookies(request: Request) -> bool:
    return bool(request.app.state.runtime.settings.public_base_url.startswith("https://"))


async def signed_in(request: Request) -> Session:
    runtime = request.app.state.runtime
    session_id = request.cookies.get(SESSION_COOKIE)
    session = None
    if session_id:
        session = await handlers.live_session(runtime.database.db, runtime.issuer, runtime.lifetimes, session_id)
    if session is None:
        raise SignInRequired(this_page(request))
    request.state.session = session
    return session


SessionDep = Annotated[Session, Depends(signed_in)]


async def posted(request: Request, session: SessionDep) -> FormData:
    """The form, once its CSRF token is this session's; every POST route depends on it."""
    form = await request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, session.csrf_token):
        raise CsrfRefused
    return form


PostedForm = Annotated[FormData, Depends(posted)]


async def to_sign_in(request: Request, error: Exception) -> Response:
    """To the issuer's sign-in page (an htmx request is told to go there itself), keeping the way back."""
    assert isinstance(error, SignInRequired)
    runtime = request.app.state.runtime
    url, state = await handlers.start_sign_in(
        runtime.database.db, runtime.issuer, return_to=error.return_to, lasts=runtime.sign_in_time
    )
    htmx = request.headers.get("hx-request") == "true"
    response: Response = Response(headers={"HX-Redirect": url}) if htmx else RedirectResponse(url, status_code=303)
    seconds = int(runtime.sign_in_time.total_seconds())
    response.set_cookie(
        SIGN_IN_COOKIE, state, max_age=seconds, httponly=True, samesite="lax", secure=secure_cookies(request)
    )
    response.delete_cookie(SESSION_COOKIE)
    return response


def this_page(request: Request) -> str:
    """The page to come back to: this one (a form comes back to its page, rendered afresh)."""
    query = f"?{request.url.query}" if request.url.query and request.method == "GET" else ""
    return request.url.path + query


async def sign_in_again(request: Request, error: Exception) -> Response:
    """A service refused the person's token (ended or revoked at the issuer): the session goes, and they sign in."""
    runtime = request.app.state.runtime
    if session_id := request.cookies.get(SESSION_COOKIE):
        await handlers.forget(runtime.database.db, session_id)
    return await to_sign_in(request, SignInRequired(this_page(request)))


async def issuer_unavailable(request: Request, error: Exception) -> HTMLResponse:
    return problem_page(
        request,
        503,
        title=marked("Sign-in unavailable"),
        detail=marked("The sign-in service does not answer now. Try again in a moment."),
    )


async def refused_without_token(request: Request, error: Exception) -> HTMLResponse:
    return problem_page(
        request,
        403,
        title=marked("This form has expired"),
        detail=marked("The form was not sent from this console's page, or it is too old. Open the page again."),
    )


@router.get(CALLBACK)
async def finish_sign_in(request: Request, state: str = "", code: str = "") -> Response:
    runtime = request.app.state.runtime
    try:
        session_id, return_to = await handlers.finish_sign_in(
            runtime.database.db,
            runtime.issuer,
            runtime.lifetimes,
            state=state,
            code=code,
            browser_state=request.cookies.get(SIGN_IN_COOKIE, ""),
        )
    except SignInFailed:
        return problem_page(
            request,
            400,
            title=marked("Sign-in did not complete"),
            detail=marked("The sign-in could not be confirmed. Open the console again to sign in."),
        )
    response = RedirectResponse(return_to, status_code=303)
    seconds = int(runtime.lifetimes.absolute.total_seconds())
    response.set_cookie(
        SESSION_COOKIE, session_id, max_age=seconds, httponly=True, samesite="lax", secure=secure_cookies(request)
    )
    response.delete_cookie(SIGN_IN_COOKIE)
    return response


@router.post("/keluar")
async def sign_out(request: Request, form: PostedForm) -> Response:
    runtime = request.app.state.runtime
    after = runtime.settings.public_base_url.rstrip("/") + SIGNED_OUT
    url = await handlers.sign_out(runtime.database.db, runtime.issuer, request.cookies.get(SESSION_COOKIE), after=after)
    response = RedirectResponse(url, status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get(SIGNED_OUT, response_class=HTMLResponse)
async def signed_out(request: Request) -> HTMLResponse:
    return render(request, "layout/signed_out.html")


@router.post("/bahasa")
async def choose_language(request: Request, form: PostedForm) -> Response:
    chosen = str(form.get("bahasa", ""))
    response = RedirectResponse(return_path(str(form.get("kembali", ""))), status_code=303)
    if chosen in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, chosen, max_age=YEAR_SECONDS, samesite="lax", secure=secure_cookies(request)
        )
    return response
