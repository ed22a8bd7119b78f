"""Pages rendered on the server with Jinja2: each area's templates under its name (`participants/list.html`), the
layout and components under `layout/`; every text through the catalogues, in the person's language."""

from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, StrictUndefined
from starlette.requests import Request

from services.console.views import formats
from services.console.views.labels import label
from services.console.views.languages import LANGUAGES, Catalogues, active, language_of
from services.console.views.navigation import Entry, allowed


class Templates:
    def __init__(self, areas: dict[str, str], catalogues: Catalogues, navigation: list[Entry]) -> None:
        """`areas`: a template prefix for each area's package (`{"participants": "services.console.participants"}`)."""
        prefixed = {name: PackageLoader(package, "templates") for name, package in areas.items()}
        layout = PackageLoader("services.console.views", "templates")
        self.environment = Environment(
            loader=ChoiceLoader([PrefixLoader({**prefixed, "layout": layout})]),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=["jinja2.ext.i18n"],
        )
        self.environment.install_gettext_callables(  # type: ignore[attr-defined]
            catalogues.gettext, catalogues.ngettext, newstyle=True
        )
        self.environment.filters.update(
            day=formats.day, moment=formats.moment, number=formats.number, rupiah=formats.rupiah,
            percent=formats.percent, label=label,
        )  # fmt: skip
        self.navigation = navigation

    def render(self, request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        language = language_of(request)
        session = getattr(request.state, "session", None)
        roles = session.person.roles if session is not None else frozenset()
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        token = active.set(language)
        try:
            html = self.environment.get_template(template).render(
                language=language,
                languages=LANGUAGES,
                session=session,
                navigation=allowed(self.navigation, roles),
                current_path=request.url.path,
                return_to=path if request.method == "GET" else request.url.path,
                **context,
            )
        finally:
            active.reset(token)
        return HTMLResponse(html, status_code=status)


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    templates: Templates = request.app.state.templates
    return templates.render(request, template, status=status, **context)


def problem_page(request: Request, status: int, *, title: str, detail: str) -> HTMLResponse:
    """A page that says in words what went wrong; `title` and `detail` are message ids."""
    return render(request, "layout/problem.html", status=status, title=title, detail=detail)
