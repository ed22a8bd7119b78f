"""The participant forms: what each field is called in the API, the registration's body from what was typed,
and the messages beside each field when the enrolment service refuses it; pure. The service checks the values."""

from collections.abc import Mapping

from services.console.forms.problems import ANY, Catalogue
from services.console.views.languages import marked

REGISTRATION_FIELDS = (
    "full_name", "registration_number", "nik", "date_of_birth", "sentence_start", "expected_release",
    "security_classification", "behaviour_score", "behaviour_assessed_on", "facility_id",
)  # fmt: skip
OPTIONAL = frozenset({"behaviour_score", "behaviour_assessed_on"})
REGISTRATION_MESSAGES: Catalogue = {
    (ANY, "full_name"): marked("Write the participant's full name, at most 200 characters."),
    (ANY, "registration_number"): marked("Write the registration number, at most 64 characters."),
    ("conflict", "registration_number"): marked("This registration number is already registered at this facility."),
    (ANY, "nik"): marked("The NIK is exactly 16 digits."),
    ("conflict", "nik"): marked("A participant with this NIK is already registered."),
    (ANY, "date_of_birth"): marked("Enter the date of birth: a day that has passed."),
    (ANY, "sentence_start"): marked("Enter the day the sentence started."),
    (ANY, "expected_release"): marked("Enter the expected release day; it cannot be before the sentence started."),
    (ANY, "security_classification"): marked("Choose the security classification."),
    (ANY, "behaviour_score"): marked("The behaviour score is a whole number from 0 to 100."),
    (ANY, "behaviour_assessed_on"): marked("Enter the day of the behaviour assessment; it cannot be in the future."),
    (ANY, "facility_id"): marked("Choose the facility where the participant is held."),
    ("forbidden", "facility_id"): marked("You register participants of your own facility only."),
}
SEARCH_MESSAGES: Catalogue = {
    (ANY, "q"): marked("Type at least 2 characters of a name, or a whole registration number or NIK."),
}
SEARCH_FIELDS = {"q": "q"}


def registration_values(form: Mapping[str, object], *, facility_id: str | None) -> dict[str, str]:
    """The fields as typed (trimmed), to send and to show back; an officer's facility is their own."""
    values = {name: str(form.get(name, "")).strip() for name in REGISTRATION_FIELDS}
    if facility_id is not None:
        values["facility_id"] = facility_id
    return values


def registration_body(values: Mapping[str, str]) -> dict[str, str | None]:
    """The API's body: each field as typed, an optional one left empty is not sent."""
    return {name: value for name, value in values.items() if value or name not in OPTIONAL}
