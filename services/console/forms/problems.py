"""A service's problem in words a person reads beside the field at fault: each form's catalogue of messages by
(problem slug, field), a message per field whatever the slug, and a message for the page when no field of the
form is at fault. Message ids only (translated when shown); the service's own detail is never shown. Pure."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from services.console.clients.upstream import ServiceProblem
from services.console.views.languages import marked

ANY = "*"
Catalogue = Mapping[tuple[str, str], str]
"""(slug, field) -> message id; slug ANY: any problem naming that field."""

PAGE_MESSAGES: dict[int, tuple[str, str]] = {
    400: (marked("The request was not understood"), marked("Check the form and send it again.")),
    403: (marked("Not allowed"), marked("Your role does not allow this here.")),
    404: (marked("Not found"), marked("It does not exist, or it is outside what your role reaches.")),
    409: (marked("Not possible now"), marked("Its current state does not allow this.")),
    413: (marked("Too much at once"), marked("The form holds more than can be sent at once.")),
    422: (marked("Check the form"), marked("Some of what was entered cannot be used.")),
    429: (marked("Please wait a moment"), marked("Too many requests; try again in a minute.")),
    503: (marked("Service unavailable"), marked("A service cannot answer now. Try again in a moment.")),
}
SOMETHING_FAILED = (
    marked("Something went wrong"),
    marked("The service failed. Try again; if it fails again, tell the platform's administrator."),
)


def page_message(problem: ServiceProblem) -> tuple[str, str]:
    """The title and text of a page (or a form's summary) for a problem no field explains."""
    return PAGE_MESSAGES.get(problem.status, SOMETHING_FAILED)


@dataclass
class Form:
    """A form as shown: the values entered (to show them back), a message id per field at fault, one for the
    form as a whole, and the Idempotency-Key made when the form was first rendered."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    idempotency_key: str | None = None


def explained(form: Form, problem: ServiceProblem, catalogue: Catalogue, *, fields: Mapping[str, str]) -> Form:
    """`form` with the problem beside its fields: `fields` maps the API's field names to the form's (only those
    the form shows). A problem naming no shown field is said for the whole form."""
    errors: dict[str, str] = {}
    for api_field in problem.fields:
        shown = fields.get(api_field)
        if shown is None or shown in errors:
            continue
        message = catalogue.get((problem.slug, api_field)) or catalogue.get((ANY, api_field))
        errors[shown] = message or marked("Check this field.")
    summary = None if errors else page_message(problem)[1]
    return Form(values=form.values, errors=errors, problem=summary, idempotency_key=form.idempotency_key)
