"""Words for the services' codes (states, statuses, classifications), as message ids; an unknown code shows as is."""

from services.console.views.formats import NONE
from services.console.views.languages import marked

ENROLMENT_STATES = {
    "approved": marked("Approved, waiting for the start"),
    "waitlisted": marked("On the waiting list"),
    "rejected": marked("Rejected at screening"),
    "withdrawn": marked("Withdrawn"),
    "active": marked("In training"),
    "suspended": marked("Suspended"),
    "completed": marked("Completed"),
    "ended": marked("Ended without completing"),
}
PARTICIPANT_STATUSES = {
    "in_custody": marked("In custody"),
    "released": marked("Released"),
    "transferred": marked("Transferred"),
}
CLASSIFICATIONS = {
    "minimum": marked("Minimum security"),
    "medium": marked("Medium security"),
    "maximum": marked("Maximum security"),
}
LABELS = {
    "enrolment_state": ENROLMENT_STATES,
    "participant_status": PARTICIPANT_STATUSES,
    "classification": CLASSIFICATIONS,
}


def label(code: str | None, kind: str) -> str:
    """The message id for `code` of `kind` (`enrolment_state`, `participant_status`, `classification`)."""
    return LABELS[kind].get(code or "", code or NONE)
