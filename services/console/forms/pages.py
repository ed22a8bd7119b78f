"""What any page shows when a service refuses or fails a call no form explains: the problem in words, with its
status; never the service's own text."""

from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException
from starlette.requests import Request

from services.console.clients.upstream import ServiceProblem
from services.console.forms.problems import page_message
from services.console.views.languages import marked
from services.console.views.rendering import problem_page


async def on_service_problem(request: Request, error: Exception) -> HTMLResponse:
    assert isinstance(error, ServiceProblem)
    title, detail = page_message(error)
    status = error.status if error.status in (403, 404, 409, 429, 503) else 502
    return problem_page(request, status, title=title, detail=detail)


async def on_unknown_page(request: Request, error: Exception) -> HTMLResponse:
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        title, detail = marked("Not possible here"), marked("This page does not take that kind of request.")
    else:
        title, detail = marked("Page not found"), marked("There is no such page in the console.")
    return problem_page(request, error.status_code, title=title, detail=detail)
