"""A service's problem shown beside the form's fields, in the form's own words."""

from services.console.clients.upstream import FieldError, ServiceProblem
from services.console.forms.problems import ANY, Form, explained, page_message
from services.console.participants.forms import REGISTRATION_FIELDS, REGISTRATION_MESSAGES, registration_body

SHOWN = {name: name for name in REGISTRATION_FIELDS}


def test_each_field_a_validation_problem_names_gets_its_message_and_the_form_keeps_what_was_typed() -> None:
    problem = ServiceProblem(
        422, "validation-error", "nik", [FieldError("nik", "String should match"), FieldError("date_of_birth")]
    )
    typed = Form(values={"nik": "12345"}, idempotency_key="k-1")
    shown = explained(typed, problem, REGISTRATION_MESSAGES, fields=SHOWN)
    assert shown.errors == {
        "nik": REGISTRATION_MESSAGES[(ANY, "nik")],
        "date_of_birth": REGISTRATION_MESSAGES[(ANY, "date_of_birth")],
    }
    assert (shown.values, shown.idempotency_key, shown.problem) == ({"nik": "12345"}, "k-1", None)


def test_a_message_for_the_problems_kind_comes_before_the_fields_own() -> None:
    taken = explained(Form(), ServiceProblem(409, "conflict", "nik"), REGISTRATION_MESSAGES, fields=SHOWN)
    assert taken.errors == {"nik": "A participant with this NIK is already registered."}


def test_a_problem_naming_no_field_of_the_form_is_said_for_the_whole_form() -> None:
    for problem in (ServiceProblem(403, "forbidden"), ServiceProblem(409, "conflict", "status")):
        shown = explained(Form(), problem, REGISTRATION_MESSAGES, fields=SHOWN)
        assert shown.errors == {}
        assert shown.problem == page_message(problem)[1]


def test_a_field_without_a_message_of_its_own_is_asked_to_be_checked() -> None:
    shown = explained(Form(), ServiceProblem(422, "invalid-input", "place"), {}, fields={"place": "tempat"})
    assert shown.errors == {"tempat": "Check this field."}


def test_the_service_detail_never_reaches_the_page() -> None:
    problem = ServiceProblem(422, "validation-error", None, [FieldError("nik", "3604011203900001 is not 16 digits")])
    shown = explained(Form(), problem, REGISTRATION_MESSAGES, fields=SHOWN)
    assert "3604011203900001" not in str(shown)


def test_an_optional_field_left_empty_is_not_sent_and_a_required_one_is_sent_for_the_service_to_refuse() -> None:
    body = registration_body({"full_name": "", "behaviour_score": "", "behaviour_assessed_on": "2026-11-30"})
    assert body == {"full_name": "", "behaviour_assessed_on": "2026-11-30"}
